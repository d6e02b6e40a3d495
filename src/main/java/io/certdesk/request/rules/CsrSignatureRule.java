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
        if (!csr.signatureValid() && !csr.signatureCheckable()) {
            // the key's own rule says what is wrong with it; this finding only says why nothing was proven
            findings.add(PolicyFinding.error("CSR_SIGNATURE_INVALID",
                    "certdesk does not check a signature made with this kind of key (see the key's own finding), so the CSR "
                            + "proves nothing about who holds it.",
                    "Make a key certdesk certifies (the key finding says which) and a new CSR from it."));
        } else if (!csr.signatureValid()) {
            findings.add(PolicyFinding.error("CSR_SIGNATURE_INVALID",
                    "The CSR's signature does not verify with the public key inside it: the CSR was changed after it "
                            + "was made, or it was not made with that key.",
                    "Make the CSR again from your key (openssl req -new -key ...) and send the new file unchanged, as an attachment."));
        }
    }
}
