package io.certdesk.trust;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Client certificates an administrator blocked by SHA-256 fingerprint: a partner's leaf certdesk cannot revoke
 * and whose CA publishes no CRL certdesk could fetch. Every handshake looks here, so a block takes effect at
 * the next handshake; each block is written to {@code trust_audit} with the administrator's user id.
 */
@Repository
public class ClientCertificateBlocks {

    public record Block(String fingerprint, String reason, String blockedBy, Instant blockedAt) {
    }

    private final JdbcClient jdbc;
    private final CertificateInventory inventory;

    public ClientCertificateBlocks(JdbcClient jdbc, CertificateInventory inventory) {
        this.jdbc = jdbc;
        this.inventory = inventory;
    }

    /**
     * The fingerprint as {@code openssl x509 -fingerprint -sha256} prints it ({@code AB:CD:...}), from that form,
     * plain hex or {@code sha256 Fingerprint=AB:CD:...}; null when it is not 32 bytes of hex.
     */
    public static String normalize(String fingerprint) {
        if (fingerprint == null) {
            return null;
        }
        String hex = fingerprint.trim();
        int equals = hex.indexOf('=');
        if (equals >= 0) {
            hex = hex.substring(equals + 1);
        }
        hex = hex.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            return null;
        }
        StringBuilder colon = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                colon.append(':');
            }
            colon.append(hex, i, i + 2);
        }
        return colon.toString();
    }

    public Optional<Block> find(String fingerprint) {
        return jdbc.sql("select * from client_certificate_block where fingerprint = ?").param(fingerprint)
                .query((rs, n) -> new Block(rs.getString("fingerprint"), rs.getString("reason"), rs.getString("blocked_by"),
                        rs.getTimestamp("blocked_at").toInstant())).optional();
    }

    public List<Block> list() {
        return jdbc.sql("select * from client_certificate_block order by blocked_at")
                .query((rs, n) -> new Block(rs.getString("fingerprint"), rs.getString("reason"), rs.getString("blocked_by"),
                        rs.getTimestamp("blocked_at").toInstant())).list();
    }

    /** Blocks a normalized fingerprint; empty when it was blocked already. */
    @Transactional
    public Optional<Block> block(String fingerprint, String reason, String admin, Instant at) {
        if (find(fingerprint).isPresent()) {
            return Optional.empty();
        }
        jdbc.sql("insert into client_certificate_block (fingerprint, reason, blocked_by, blocked_at) values (?, ?, ?, ?)")
                .params(fingerprint, reason, admin, Timestamp.from(at)).update();
        IssuedCertificate known = inventory.findBySerial(PartnerTrustService.inventoryKey(fingerprint)).orElse(null);
        jdbc.sql("insert into trust_audit (at, environment, action, fingerprint, subject, actor, reference) values (?, ?, 'BLOCKED', ?, ?, ?, ?)")
                .params(Timestamp.from(at), known == null ? "all" : known.environment(), fingerprint,
                        known == null ? "-" : known.subject(), admin, known == null ? "-" : known.requestReference()).update();
        return find(fingerprint);
    }
}
