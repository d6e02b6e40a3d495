package io.certdesk.intake;

import java.util.List;

/**
 * What a support mail asks for: the fields the sender wrote, the CSRs found, and any private key material
 * (described, never kept).
 *
 * @param csrs               each distinct CSR found, as PEM text or DER bytes
 * @param unreadableCsrs     why CSR-looking content could not be read
 * @param privateKeyFindings where private key material was seen, e.g. "attachment client-key.pem"
 * @param exposedKeyHashes   SHA-256 of the public keys of readable private keys found, to find their certificates
 * @param revocationTarget   the serial or request reference of a "Revoke:" line, or null
 */
public record Submission(
        String organizationId,
        String companyName,
        String technicalContactName,
        String technicalContactEmail,
        String environment,
        List<byte[]> csrs,
        List<String> unreadableCsrs,
        List<String> privateKeyFindings,
        List<String> exposedKeyHashes,
        String revocationTarget,
        String revocationReason,
        List<byte[]> certificates) {

    public boolean exposesPrivateKey() {
        return !privateKeyFindings.isEmpty();
    }

    public boolean asksForRevocation() {
        return revocationTarget != null && csrs.isEmpty() && !exposesPrivateKey();
    }

    /** Certificates but no CSR: a client bringing its partner CA chain. */
    public boolean offersPartnerChain() {
        return !certificates.isEmpty() && csrs.isEmpty() && unreadableCsrs.isEmpty() && !exposesPrivateKey();
    }

    public boolean looksLikeRequest() {
        return !csrs.isEmpty() || !unreadableCsrs.isEmpty() || exposesPrivateKey();
    }
}
