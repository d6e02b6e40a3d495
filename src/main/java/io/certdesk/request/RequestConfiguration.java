package io.certdesk.request;

import java.util.Set;

import io.certdesk.config.CertdeskProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the request policy and defaults from {@code certdesk.policy.*} and {@code certdesk.default-environment}. */
@Configuration
public class RequestConfiguration {

    @Bean
    RequestPolicy requestPolicy(CertdeskProperties properties) {
        return new RequestPolicy(policySettings(properties.policy(), properties.environments().keySet()));
    }

    @Bean
    RequestService.RequestDefaults requestDefaults(CertdeskProperties properties) {
        if (!properties.environments().containsKey(properties.defaultEnvironment())) {
            throw new IllegalStateException("certdesk.default-environment '" + properties.defaultEnvironment()
                    + "' is not one of certdesk.environments " + properties.environments().keySet());
        }
        return new RequestService.RequestDefaults(properties.defaultEnvironment());
    }

    /** The policy of {@code certdesk.policy.*} for CSRs of {@code environments}. */
    static PolicySettings policySettings(CertdeskProperties.Policy policy, Set<String> environments) {
        return new PolicySettings(policy.rsaMinBits(), policy.rsaMaxBits(), policy.allowedCurves(),
                policy.commonNameMustMatchOrganizationId(), policy.organizationRequired(),
                policy.neutralOrganizationalUnits(), policy.maxSubjectValueLength(), environments);
    }
}
