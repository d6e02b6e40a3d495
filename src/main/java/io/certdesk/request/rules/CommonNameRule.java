package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/**
 * Exactly one CN, and it is the organization id the sender gave in the mail: the CN's exact text, nothing
 * stripped or unescaped ({@code acme\-42} and {@code acme-42} with a zero-width space are not {@code acme-42}).
 */
public final class CommonNameRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        List<String> cns = csr.commonNames();
        if (cns.isEmpty()) {
            findings.add(PolicyFinding.error("CN_MISSING", "The CSR's subject has no CN (common name).",
                    "Put your organization id in the CN: -subj \"/C=NL/O=Your Company Name/OU=API Client/CN="
                            + orExample(claims.organizationId()) + "\""));
        } else if (cns.size() > 1) {
            findings.add(PolicyFinding.error("CN_MULTIPLE", "The CSR's subject has " + cns.size() + " CNs ("
                    + String.join(", ", cns.stream().map(Quoted::of).toList()) + "); exactly one is allowed.", "Keep one CN, your organization id, and make the CSR again."));
        } else if (settings.commonNameMustMatchOrganizationId() && claims.organizationId() != null
                && !cns.get(0).equals(claims.organizationId())) {
            String lookalikes = Quoted.nonAscii(cns.get(0));
            findings.add(PolicyFinding.error("CN_NOT_ORGANIZATION_ID", "The CSR's CN is " + Quoted.of(cns.get(0))
                            + " but the organization id in your mail is " + Quoted.of(claims.organizationId()) + "; they must be the same."
                            + (lookalikes.isEmpty() ? "" : " The CN has characters that are not plain ASCII and may only look alike: "
                            + lookalikes + ".")
                            + (cns.get(0).contains("\\") ? " The CN has a backslash, which an organization id never has." : ""),
                    "Make the CSR again with CN=" + claims.organizationId() + ", or correct the organization id in your mail."));
        }
    }

    private static String orExample(String organizationId) {
        return organizationId == null ? "your-organization-id" : organizationId;
    }
}
