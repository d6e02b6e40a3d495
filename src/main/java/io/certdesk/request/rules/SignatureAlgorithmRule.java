package io.certdesk.request.rules;

import java.util.List;
import java.util.Locale;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;

/** No CSR signed with SHA-1 or MD5: those hashes allow forged signatures. */
public final class SignatureAlgorithmRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        String algorithm = csr.signatureAlgorithm().toUpperCase(Locale.ROOT);
        if (algorithm.matches(".*(SHA1|SHA-1|MD5|MD2|MD4)([^0-9].*|$)")) {
            findings.add(PolicyFinding.error("CSR_WEAK_SIGNATURE_ALGORITHM",
                    "The CSR is signed with " + csr.signatureAlgorithm() + "; SHA-1 and MD5 are not accepted.",
                    "Make the CSR again with SHA-256: openssl req -new -sha256 -key ... -out client.csr"));
        }
    }
}
