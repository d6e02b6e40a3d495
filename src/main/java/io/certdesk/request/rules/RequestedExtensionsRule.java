package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;

/** Extensions a CSR asks for are never copied; the approver sees what was asked and ignored. */
public final class RequestedExtensionsRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        if (csr.requestedExtensions().isEmpty()) {
            return;
        }
        boolean asksForCa = csr.requestedExtensions().contains("basicConstraints");
        String message = "The CSR asks for extensions (" + String.join(", ", csr.requestedExtensions())
                + "); they are ignored: the certificate's extensions come from the issuance profile.";
        findings.add(asksForCa ? PolicyFinding.warning("CSR_REQUESTS_EXTENSIONS", message)
                : PolicyFinding.note("CSR_REQUESTS_EXTENSIONS", message));
    }
}
