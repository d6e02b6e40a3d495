package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;

/** Proof of possession: the CSR is signed by the private key whose public key it carries. */
public final class CsrSignatureRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        if (!csr.signatureValid()) {
            findings.add(PolicyFinding.error("CSR_SIGNATURE_INVALID",
                    "The CSR's signature does not verify with the public key inside it: the CSR was changed after it "
                            + "was made, or it was not made with that key.",
                    "Make the CSR again from your key (openssl req -new -key ...) and send the new file unchanged, as an attachment."));
        }
    }
}
