package io.certdesk.request;

import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * The rules a CSR must follow. Defaults accept both client guides: EC P-256/P-384 and RSA 2048 to 8192,
 * CN equal to the organization id, O required, C two letters, OU an environment name or "API Client".
 *
 * @param allowedCurves named curves, each by any of its names (secp256r1, prime256v1, P-256) or its OID; a CSR's
 *                      curve is compared by OID, so every name of a curve accepts it
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

    public PolicySettings {
        for (String curve : allowedCurves) {
            if (CsrFacts.curveOid(curve) == null) {
                throw new IllegalArgumentException("certdesk.policy.allowed-curves: unknown curve \"" + curve
                        + "\" (use a name such as secp256r1, prime256v1, P-256 or secp384r1, or an OID)");
            }
        }
        allowedCurves = List.copyOf(allowedCurves);
    }

    public static PolicySettings defaults(Set<String> environments) {
        return new PolicySettings(2048, 8192, List.of("secp256r1", "secp384r1"), true, true,
                List.of("API Client"), 64, environments);
    }

    /** Whether a key on the curve with this OID is accepted, whichever name the configuration gives the curve. */
    public boolean allowsCurve(String curveOid) {
        return curveOid != null && allowedCurves.stream().map(CsrFacts::curveOid)
                .anyMatch(oid -> oid.equals(new ASN1ObjectIdentifier(curveOid)));
    }
}
