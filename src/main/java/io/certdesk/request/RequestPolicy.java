package io.certdesk.request;

import java.util.ArrayList;
import java.util.List;

import io.certdesk.request.rules.CommonNameRule;
import io.certdesk.request.rules.CountryRule;
import io.certdesk.request.rules.CsrSignatureRule;
import io.certdesk.request.rules.EnvironmentRule;
import io.certdesk.request.rules.KeyStrengthRule;
import io.certdesk.request.rules.OrganizationIdRule;
import io.certdesk.request.rules.OrganizationRule;
import io.certdesk.request.rules.OrganizationalUnitRule;
import io.certdesk.request.rules.PlaceRule;
import io.certdesk.request.rules.RequestRule;
import io.certdesk.request.rules.RequestedExtensionsRule;
import io.certdesk.request.rules.SignatureAlgorithmRule;
import io.certdesk.request.rules.SubjectAttributesRule;
import io.certdesk.request.rules.SubjectCharactersRule;
import io.certdesk.request.rules.SubjectTextRule;

/** Runs every rule over a request and returns all findings at once, errors first. */
public final class RequestPolicy {

    private final PolicySettings settings;
    private final List<RequestRule> rules = List.of(
            new CsrSignatureRule(), new SignatureAlgorithmRule(), new KeyStrengthRule(), new SubjectAttributesRule(),
            new SubjectTextRule(), new SubjectCharactersRule(), new OrganizationIdRule(), new EnvironmentRule(), new CommonNameRule(),
            new OrganizationRule(), new CountryRule(), new OrganizationalUnitRule(), new PlaceRule(), new RequestedExtensionsRule());

    public RequestPolicy(PolicySettings settings) {
        this.settings = settings;
    }

    public PolicySettings settings() {
        return settings;
    }

    public List<PolicyFinding> evaluate(CsrFacts csr, RequestClaims claims) {
        List<PolicyFinding> findings = new ArrayList<>();
        for (RequestRule rule : rules) {
            rule.check(csr, claims, settings, findings);
        }
        findings.sort((a, b) -> a.severity().compareTo(b.severity()));
        return findings;
    }
}
