package io.certdesk.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

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
        jdbc.sql("""
                        insert into issued_certificate (serial, environment, request_reference, organization_id, subject,
                            public_key_sha256, not_before, not_after, status, certificate_pem, issued_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(c.serial(), c.environment(), c.requestReference(), c.organizationId(), c.subject(),
                        c.publicKeySha256(), Timestamp.from(c.notBefore()), Timestamp.from(c.notAfter()),
                        c.status().name(), c.certificatePem(), Timestamp.from(c.issuedAt()))
                .update();
    }

    public Optional<IssuedCertificate> findBySerial(String serialHex) {
        return jdbc.sql("select * from issued_certificate where serial = ?").param(serialHex.toUpperCase())
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
    public record Revoked(String serial, java.time.Instant revokedAt, String reason) {
    }

    public List<Revoked> revoked(String environment) {
        return jdbc.sql("select serial, revoked_at, revocation_reason from issued_certificate "
                        + "where environment = ? and status = 'REVOKED' order by serial")
                .param(environment)
                .query((rs, n) -> new Revoked(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3))).list();
    }

    public long count() {
        return jdbc.sql("select count(*) from issued_certificate").query(Long.class).single();
    }

    private static IssuedCertificate map(ResultSet rs, int row) throws SQLException {
        return new IssuedCertificate(rs.getString("serial"), rs.getString("environment"), rs.getString("request_reference"),
                rs.getString("organization_id"), rs.getString("subject"), rs.getString("public_key_sha256"),
                rs.getTimestamp("not_before").toInstant(), rs.getTimestamp("not_after").toInstant(),
                IssuedCertificate.Status.valueOf(rs.getString("status")), rs.getString("certificate_pem"),
                rs.getTimestamp("issued_at").toInstant());
    }
}
