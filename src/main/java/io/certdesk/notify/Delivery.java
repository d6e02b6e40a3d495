package io.certdesk.notify;

import java.time.Instant;

/** What the delivery mail carries about an issued certificate and its CA. */
public record Delivery(
        String certificatePem,
        String caCertificatePem,
        String caFingerprint,
        String issuer,
        String serial,
        Instant notBefore,
        Instant notAfter,
        String replaces) {
}
