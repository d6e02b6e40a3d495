package io.certdesk.request.rules;

import java.util.List;
import java.util.Locale;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/**
 * OU, when given, names an environment (the one the request is for) or one of the neutral values such as
 * "API Client".
 */
public final class OrganizationalUnitRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        List<String> ous = csr.organizationalUnits();
        if (ous.size() > 1) {
            findings.add(PolicyFinding.error("OU_MULTIPLE", "The CSR's subject has " + ous.size() + " OU fields; at most one is allowed.",
                    "Keep one OU and make the CSR again."));
            return;
        }
        if (ous.isEmpty()) {
            return;
        }
        String ou = ous.get(0);
        String asEnvironment = ou.toLowerCase(Locale.ROOT);
        boolean neutral = settings.neutralOrganizationalUnits().stream().anyMatch(n -> n.equalsIgnoreCase(ou));
        if (settings.environments().contains(asEnvironment)) {
            if (claims.environment() != null && !claims.environment().equals(asEnvironment)) {
                findings.add(PolicyFinding.error("OU_ENVIRONMENT_CONFLICT", "The CSR's OU names the environment " + Quoted.of(ou)
                                + " but the mail asks for " + Quoted.of(claims.environment()) + ".",
                        "Send the request for one environment: make the CSR with OU=" + claims.environment()
                                + " or correct the Environment line in your mail."));
            }
        } else if (!neutral) {
            findings.add(PolicyFinding.error("OU_NOT_ALLOWED", "The CSR's OU is " + Quoted.of(ou) + "; it must name an environment ("
                            + String.join(", ", settings.environments().stream().sorted().toList()) + ") or be one of: "
                            + String.join(", ", settings.neutralOrganizationalUnits()) + ".",
                    "Make the CSR again with OU=" + (claims.environment() == null ? "API Client" : claims.environment()) + "."));
        }
    }
}
