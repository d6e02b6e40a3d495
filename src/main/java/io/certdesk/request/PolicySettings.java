package io.certdesk.request;

import java.util.List;
import java.util.Set;

/**
 * The rules a CSR must follow. Defaults accept both client guides: EC P-256/P-384 and RSA 2048 to 8192,
 * CN equal to the organization id, O required, C two letters, OU an environment name or "API Client".
 */
public record PolicySettings(
        int rsaMinBits,
        int rsaMaxBits,
        List<String> allowedCurves,
        boolean commonNameMustMatchOrganizationId,
        boolean organizationRequired,
        List<String> neutralOrganizationalUnits,
        int maxSubjectValueLength,
        Set<String> environments) {

    public static PolicySettings defaults(Set<String> environments) {
        return new PolicySettings(2048, 8192, List.of("secp256r1", "secp384r1"), true, true,
                List.of("API Client"), 64, environments);
    }
}
