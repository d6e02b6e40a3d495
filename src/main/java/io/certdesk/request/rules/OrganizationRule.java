package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/** Exactly one O naming the company; a company name in the mail that differs is shown to the approver. */
public final class OrganizationRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        List<String> os = csr.organizations();
        if (os.isEmpty()) {
            if (settings.organizationRequired()) {
                findings.add(PolicyFinding.error("O_MISSING", "The CSR's subject has no O (organization, your company name).",
                        "Add /O=Your Company Name to -subj and make the CSR again."));
            }
        } else if (os.size() > 1) {
            findings.add(PolicyFinding.error("O_MULTIPLE", "The CSR's subject has " + os.size() + " O fields; exactly one is allowed.",
                    "Keep one O, your company name, and make the CSR again."));
        } else if (claims.companyName() != null && !claims.companyName().equalsIgnoreCase(os.get(0))) {
            findings.add(PolicyFinding.warning("O_DIFFERS_FROM_COMPANY", "The CSR's O is " + Quoted.of(os.get(0))
                    + " while the mail names the company " + Quoted.of(claims.companyName()) + "."));
        }
    }
}
