package io.certdesk.authority;

import java.time.Duration;

/**
 * What a client certificate contains beyond its subject and key: validity and where relying parties find
 * revocation information. Usages are fixed for client authentication: clientAuth EKU, digitalSignature KU,
 * plus keyEncipherment for RSA keys.
 *
 * @param validity           how long a certificate is valid
 * @param backdate           how far notBefore lies before the signing time, for clients with a slow clock
 * @param crlDistributionUrl the CRL distribution point written into every certificate, or null for none
 * @param ocspUrl            the OCSP responder named in the authority information access, or null for none
 */
public record IssuanceProfile(Duration validity, Duration backdate, String crlDistributionUrl, String ocspUrl) {

    public IssuanceProfile {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
    }
}
