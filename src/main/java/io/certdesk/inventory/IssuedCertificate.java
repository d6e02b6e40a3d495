package io.certdesk.inventory;

import java.time.Instant;

/** A certificate certdesk issued, as the inventory keeps it. */
public record IssuedCertificate(
        String serial,
        String environment,
        String requestReference,
        String organizationId,
        String subject,
        String publicKeySha256,
        Instant notBefore,
        Instant notAfter,
        Status status,
        String certificatePem,
        Instant issuedAt,
        String supersededBy,
        Instant supersedeRevocationDue) {

    public enum Status { ACTIVE, REVOKED, EXPIRED, SUPERSEDED }
}
