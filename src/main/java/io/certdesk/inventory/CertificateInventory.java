package io.certdesk.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Every certificate issued, by serial; the source for the validator, reminders and revocation. */
@Repository
public class CertificateInventory {

    private final JdbcClient jdbc;

    public CertificateInventory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(IssuedCertificate c) {
        record(c, 1);
    }

    /** Records a certificate signed by the given generation of its environment's CA. */
    public void record(IssuedCertificate c, int caGeneration) {
        jdbc.sql("""
                        insert into issued_certificate (serial, environment, request_reference, organization_id, subject,
                            public_key_sha256, key_id, not_before, not_after, status, certificate_pem, issued_at, ca_generation)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(c.serial(), c.environment(), c.requestReference(), c.organizationId(), c.subject(),
                        c.publicKeySha256(), keyId(c), Timestamp.from(c.notBefore()), Timestamp.from(c.notAfter()),
                        c.status().name(), c.certificatePem(), Timestamp.from(c.issuedAt()), caGeneration)
                .update();
    }

    /** The hash by which the certificate's key is known in every form it can take (see {@link PublicKeyHashes#keyId}). */
    private static String keyId(IssuedCertificate c) {
        return PublicKeyHashes.keyId(Pem.subjectPublicKeyInfo(c.certificatePem()));
    }

    /** Which generation of its environment's CA signed the certificate. */
    public Optional<Integer> caGeneration(String serialHex) {
        return jdbc.sql("select ca_generation from issued_certificate where serial = ?").param(serialHex.toUpperCase(Locale.ROOT))
                .query(Integer.class).optional();
    }

    /** The organizations with an active client certificate of certdesk's own CA in the environment. */
    public List<String> organizationsWithActiveCertificates(String environment) {
        return jdbc.sql("select distinct organization_id from issued_certificate where environment = ? and status = 'ACTIVE' "
                        + "and purpose = 'CLIENT' and issuer_kind = 'CERTDESK' order by organization_id")
                .param(environment).query(String.class).list();
    }

    /**
     * When the last client certificate a CA generation signed expires; empty when it signed none. Its own OCSP
     * responder and listener certificates do not count, or answering OCSP would keep a retired CA in service.
     */
    public Optional<Instant> lastExpiry(String environment, int caGeneration) {
        return Optional.ofNullable(jdbc.sql("select max(not_after) from issued_certificate where environment = ? and ca_generation = ? "
                        + "and purpose = 'CLIENT' and issuer_kind = 'CERTDESK'")
                .params(environment, caGeneration)
                .query((rs, n) -> rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant()).single());
    }

    /** A partner's client certificate, tracked for its expiry; certdesk neither lists nor revokes it. */
    public void recordPartnerLeaf(IssuedCertificate c) {
        record(c);
        jdbc.sql("update issued_certificate set issuer_kind = 'PARTNER' where serial = ?").param(c.serial()).update();
    }

    /**
     * A server certificate of an mTLS listener, so the CA's record of what it signed is complete (and CRL and OCSP
     * know it). No client's: outside reminders, expiry mails and renewals; past its notAfter it becomes EXPIRED
     * quietly, at the next start of a node.
     */
    public void recordServerCertificate(IssuedCertificate c, int caGeneration) {
        record(c, caGeneration);
        jdbc.sql("update issued_certificate set purpose = 'TLS_SERVER' where serial = ?").param(c.serial()).update();
        jdbc.sql("update issued_certificate set status = 'EXPIRED' where purpose = 'TLS_SERVER' and status = 'ACTIVE' "
                + "and not_after <= ?").param(Timestamp.from(c.issuedAt())).update();
    }

    /** The organization id under which the mTLS listeners' server certificates are kept (no client's id can be it). */
    public static final String SERVER_ORGANIZATION = "certdesk/mtls-server";

    /**
     * A node's delegated OCSP responder certificate: part of what the CA issued, so listed, revocable and on the
     * CRL like any other, but no client's, so outside reminders, expiry mails and renewals.
     */
    public void recordOcspResponder(IssuedCertificate c, int caGeneration) {
        record(c, caGeneration);
        jdbc.sql("update issued_certificate set purpose = 'OCSP_SIGNING' where serial = ?").param(c.serial()).update();
    }

    /** OCSP responder certificates past their notAfter become EXPIRED, quietly. */
    public int expireOcspResponders(Instant now) {
        return jdbc.sql("update issued_certificate set status = 'EXPIRED' where purpose = 'OCSP_SIGNING' and status = 'ACTIVE' "
                + "and not_after <= ?").param(Timestamp.from(now)).update();
    }

    public Optional<IssuedCertificate> findBySerial(String serialHex) {
        return jdbc.sql("select * from issued_certificate where serial = ?").param(serialHex.toUpperCase(Locale.ROOT))
                .query(CertificateInventory::map).optional();
    }

    /**
     * The certificate, its row locked until the transaction ends: whoever acts on the authority of a certificate
     * (an EST enrollment, signing what it asked for) and whoever revokes it take their turns, each seeing what the
     * other did.
     */
    public Optional<IssuedCertificate> findBySerialForUpdate(String serialHex) {
        return jdbc.sql("select * from issued_certificate where serial = ? for update").param(serialHex.toUpperCase(Locale.ROOT))
                .query(CertificateInventory::map).optional();
    }

    public Optional<IssuedCertificate> findByRequestReference(String reference) {
        return jdbc.sql("select * from issued_certificate where request_reference = ?").param(reference)
                .query(CertificateInventory::map).optional();
    }

    public List<IssuedCertificate> findByOrganization(String organizationId) {
        return jdbc.sql("select * from issued_certificate where organization_id = ? order by issued_at")
                .param(organizationId).query(CertificateInventory::map).list();
    }

    /** A revoked certificate as a CRL lists it. */
    public record Revoked(String serial, Instant revokedAt, String reason) {
    }

    /** The revoked certificates one generation of the environment's CA signed: its CRL's entries. */
    public List<Revoked> revoked(String environment, int caGeneration) {
        return jdbc.sql("select serial, revoked_at, revocation_reason from issued_certificate "
                        + "where environment = ? and ca_generation = ? and status = 'REVOKED' order by serial")
                .params(environment, caGeneration)
                .query((rs, n) -> new Revoked(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3))).list();
    }

    /**
     * Marks an active certificate revoked. Returns false when it was already revoked (or is unknown), so a
     * certificate never gets a second CRL entry.
     */
    public boolean markRevoked(String serialHex, String reason, Instant at, String revokedBy) {
        return jdbc.sql("update issued_certificate set status = 'REVOKED', revoked_at = ?, revocation_reason = ?, revoked_by = ? "
                        + "where serial = ? and status <> 'REVOKED'")
                .params(Timestamp.from(at), reason, revokedBy, serialHex.toUpperCase(Locale.ROOT)).update() == 1;
    }

    /**
     * A certificate revoked for another reason turns out to have had its key compromised: the reason becomes
     * keyCompromise (what CRL and OCSP say from now on), the revocation time stays; false when it already was.
     */
    public boolean markKeyCompromised(String serialHex, Instant at, String revokedBy) {
        return jdbc.sql("update issued_certificate set revocation_reason = 'keyCompromise', revoked_by = coalesce(revoked_by, '') || '; ' || ? "
                        + "where serial = ? and status = 'REVOKED' and revocation_reason <> 'keyCompromise'")
                .params("keyCompromise reported on " + at + ", " + revokedBy, serialHex.toUpperCase(Locale.ROOT)).update() == 1;
    }

    public Optional<Revoked> revocation(String serialHex) {
        return jdbc.sql("select serial, revoked_at, revocation_reason from issued_certificate where serial = ? and status = 'REVOKED'")
                .param(serialHex.toUpperCase(Locale.ROOT))
                .query((rs, n) -> new Revoked(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3))).optional();
    }

    /** A certificate's status as OCSP states it, read in one primary-key lookup. */
    public record State(String environment, int caGeneration, IssuedCertificate.Status status, Instant revokedAt, String reason) {
    }

    public Optional<State> state(String serialHex) {
        return jdbc.sql("select environment, ca_generation, status, revoked_at, revocation_reason from issued_certificate where serial = ?")
                .param(serialHex.toUpperCase(Locale.ROOT))
                .query((rs, n) -> new State(rs.getString(1), rs.getInt(2), IssuedCertificate.Status.valueOf(rs.getString(3)),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getString(5))).optional();
    }

    /**
     * Certificates with this key, whatever their issuer and status; {@code keyHashes} are the key's hashes in every
     * encoding ({@link PublicKeyHashes#ofEveryEncoding}), so a certificate is found however its key was written. A
     * certificate is also found by the hash it was recorded with, for lists of hashes kept from before key ids.
     */
    public List<IssuedCertificate> findWithKey(List<String> keyHashes) {
        return withKey(keyHashes, "");
    }

    /**
     * Grows with every revocation in the environment, and with every revocation whose reason became keyCompromise
     * later: a CRL built at an older version is stale.
     */
    public long revocationVersion(String environment) {
        return jdbc.sql("""
                        select count(*) + 4294967296 * coalesce(sum(case when revocation_reason = 'keyCompromise' then 1 else 0 end), 0)
                        from issued_certificate where environment = ? and status = 'REVOKED'""")
                .param(environment).query(Long.class).single();
    }

    /**
     * Certificates certdesk issued with this key (its hashes in every encoding), whatever their status: a partner's
     * client certificate is not certdesk's to revoke.
     */
    public List<IssuedCertificate> findIssuedWithKey(List<String> keyHashes) {
        return withKey(keyHashes, " and issuer_kind = 'CERTDESK'");
    }

    private List<IssuedCertificate> withKey(List<String> keyHashes, String condition) {
        if (keyHashes.isEmpty()) {
            return List.of();
        }
        // two look-ups, each by its own index, rather than one "or" that a database may answer by reading every row
        Map<String, IssuedCertificate> found = new TreeMap<>();
        for (String column : List.of("key_id", "public_key_sha256")) {
            jdbc.sql("select * from issued_certificate where " + column + " in (:hashes)" + condition).param("hashes", keyHashes)
                    .query(CertificateInventory::map).list().forEach(c -> found.putIfAbsent(c.serial(), c));
        }
        return List.copyOf(found.values());
    }

    /**
     * Active certificates certdesk issued to an organization in an environment: what a new request would renew. A
     * partner's client certificate is not certdesk's to supersede or revoke.
     */
    public List<IssuedCertificate> findActive(String organizationId, String environment) {
        return jdbc.sql("select * from issued_certificate where organization_id = ? and environment = ? and status = 'ACTIVE' "
                        + "and issuer_kind = 'CERTDESK' order by not_after").params(organizationId, environment)
                .query(CertificateInventory::map).list();
    }

    /** Active certificates whose notAfter has passed, oldest first. */
    public List<IssuedCertificate> findExpired(Instant now, int limit) {
        return jdbc.sql("select * from issued_certificate where status = 'ACTIVE' and not_after <= ? and purpose = 'CLIENT' "
                        + "order by not_after "
                        + "fetch first " + limit + " rows only").param(Timestamp.from(now)).query(CertificateInventory::map).list();
    }

    public boolean markExpired(String serial) {
        return jdbc.sql("update issued_certificate set status = 'EXPIRED' where serial = ? and status = 'ACTIVE'").param(serial).update() == 1;
    }

    /** Marks an active certificate superseded by a newer one; it is revoked at {@code revokeAt}. */
    public boolean markSuperseded(String serial, String supersededBy, Instant revokeAt) {
        return jdbc.sql("update issued_certificate set status = 'SUPERSEDED', superseded_by = ?, supersede_revocation_due = ? "
                        + "where serial = ? and status = 'ACTIVE'")
                .params(supersededBy, Timestamp.from(revokeAt), serial).update() == 1;
    }

    /** Superseded certificates whose grace period is over. */
    public List<IssuedCertificate> findSupersededDue(Instant now, int limit) {
        return jdbc.sql("select * from issued_certificate where supersede_revocation_due <= ? and status = 'SUPERSEDED' "
                        + "order by supersede_revocation_due fetch first " + limit + " rows only")
                .param(Timestamp.from(now)).query(CertificateInventory::map).list();
    }

    public void clearSupersedeDue(String serial) {
        jdbc.sql("update issued_certificate set supersede_revocation_due = null where serial = ?").param(serial).update();
    }

    public long count() {
        return jdbc.sql("select count(*) from issued_certificate").query(Long.class).single();
    }

    private static IssuedCertificate map(ResultSet rs, int row) throws SQLException {
        return new IssuedCertificate(rs.getString("serial"), rs.getString("environment"), rs.getString("request_reference"),
                rs.getString("organization_id"), rs.getString("subject"), rs.getString("public_key_sha256"),
                rs.getTimestamp("not_before").toInstant(), rs.getTimestamp("not_after").toInstant(),
                IssuedCertificate.Status.valueOf(rs.getString("status")), rs.getString("certificate_pem"),
                rs.getTimestamp("issued_at").toInstant(), rs.getString("superseded_by"),
                rs.getTimestamp("supersede_revocation_due") == null ? null : rs.getTimestamp("supersede_revocation_due").toInstant());
    }
}
