package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/** The request names an environment certdesk has a CA for. */
public final class EnvironmentRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        if (claims.environment() == null || !settings.environments().contains(claims.environment())) {
            String known = String.join(", ", settings.environments().stream().sorted().toList());
            findings.add(PolicyFinding.error("ENVIRONMENT_UNKNOWN", "The environment " + Quoted.of(claims.environment())
                    + " does not exist; certdesk issues for: " + known + ".",
                    "Write \"Environment: " + settings.environments().stream().sorted().findFirst().orElse("production")
                            + "\" (one of " + known + ") in your mail."));
        }
    }
}
