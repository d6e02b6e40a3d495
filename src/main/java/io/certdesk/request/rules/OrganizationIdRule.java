package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/** The organization id is a short identifier: letters, digits, dot, dash and underscore. */
public final class OrganizationIdRule implements RequestRule {

    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        String id = claims.organizationId();
        if (id != null && !id.matches(PATTERN)) {
            findings.add(PolicyFinding.error("ORGANIZATION_ID_INVALID", "The organization id " + Quoted.of(id)
                            + " is not valid: use up to 64 letters, digits, dots, dashes or underscores.",
                    "Write a line such as \"Organization ID: acme-42\" in your mail and use the same value as the CSR's CN."));
        }
    }
}
