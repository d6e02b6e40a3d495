package io.certdesk.rollover;

import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Pem;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The record of every environment's CA generations and rollovers, shared by all nodes. */
@Repository
public class CaGenerations {

    public enum State { PENDING, ISSUING, RETIRED }

    /** One generation as recorded. */
    public record Row(String environment, int generation, State state, String certificatePem, String fingerprint, Instant notAfter,
                      String tokenKeyLabel, byte[] keystore, String rolloverReference, Instant activatedAt, Instant trustedUntil) {
    }

    /** A rollover as asked for and decided. */
    public record Rollover(String reference, String environment, String requestedBy, Instant requestedAt, int overlapDays,
                           String reason, String firstDecidedBy, String secondDecidedBy, String state, Integer generation) {
    }

    private final JdbcClient jdbc;

    public CaGenerations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the configured CA as generation 1, issuing, unless a node did before. */
    public void ensureConfigured(CertificateAuthority configured, Instant now) {
        if (find(configured.environment(), 1).isPresent()) {
            return;
        }
        try {
            insert(configured, State.ISSUING, null, null, null, now);
            jdbc.sql("update ca_generation set activated_at = ? where environment = ? and generation = 1")
                    .params(Timestamp.from(now), configured.environment()).update();
        } catch (DuplicateKeyException recordedByAnotherNode) {
            // recorded meanwhile: all that is needed
        }
    }

    public void insert(CertificateAuthority ca, State state, String tokenKeyLabel, byte[] keystore, String rolloverReference,
                       Instant now) {
        X509Certificate certificate = ca.certificate();
        jdbc.sql("""
                        insert into ca_generation (environment, generation, state, certificate_pem, sha256_fingerprint, not_after,
                            token_key_label, keystore, rollover_reference, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(ca.environment(), ca.generation(), state.name(), Pem.encode(certificate), ca.sha256Fingerprint(),
                        Timestamp.from(certificate.getNotAfter().toInstant()), tokenKeyLabel, keystore, rolloverReference,
                        Timestamp.from(now))
                .update();
    }

    public List<Row> all(String environment) {
        return jdbc.sql("select * from ca_generation where environment = ? order by generation").param(environment)
                .query(CaGenerations::row).list();
    }

    public Optional<Row> find(String environment, int generation) {
        return jdbc.sql("select * from ca_generation where environment = ? and generation = ?").params(environment, generation)
                .query(CaGenerations::row).optional();
    }

    public Optional<Row> byRollover(String reference) {
        return jdbc.sql("select * from ca_generation where rollover_reference = ?").param(reference)
                .query(CaGenerations::row).optional();
    }

    public int nextGeneration(String environment) {
        Integer max = jdbc.sql("select max(generation) from ca_generation where environment = ?").param(environment)
                .query(Integer.class).single();
        return max == null ? 2 : max + 1;
    }

    /**
     * Makes the generation the environment's issuing CA: the one issuing before retires, trusted until
     * {@code trustedUntil}. Returns false when it already issues (a retried step).
     */
    @Transactional
    public boolean activate(String environment, int generation, Instant trustedUntil, Instant now) {
        Row row = jdbc.sql("select * from ca_generation where environment = ? and generation = ? for update")
                .params(environment, generation).query(CaGenerations::row).single();
        if (row.state() != State.PENDING) {
            return false;
        }
        jdbc.sql("update ca_generation set state = 'RETIRED', retired_at = ?, trusted_until = ? where environment = ? and state = 'ISSUING'")
                .params(Timestamp.from(now), Timestamp.from(trustedUntil), environment).update();
        jdbc.sql("update ca_generation set state = 'ISSUING', activated_at = ? where environment = ? and generation = ?")
                .params(Timestamp.from(now), environment, generation).update();
        return true;
    }

    public void recordRollover(Rollover r) {
        jdbc.sql("""
                        insert into ca_rollover (reference, environment, requested_by, requested_at, overlap_days, reason, state)
                        values (?, ?, ?, ?, ?, ?, 'REQUESTED')""")
                .params(r.reference(), r.environment(), r.requestedBy(), Timestamp.from(r.requestedAt()), r.overlapDays(), r.reason())
                .update();
    }

    public Optional<Rollover> rollover(String reference) {
        return jdbc.sql("select * from ca_rollover where reference = ?").param(reference).query((rs, n) -> new Rollover(
                rs.getString("reference"), rs.getString("environment"), rs.getString("requested_by"),
                rs.getTimestamp("requested_at").toInstant(), rs.getInt("overlap_days"), rs.getString("reason"),
                rs.getString("first_decided_by"), rs.getString("second_decided_by"), rs.getString("state"),
                (Integer) rs.getObject("generation"))).optional();
    }

    /** Whether a rollover of the environment is asked for and neither done nor rejected. */
    public boolean rolloverOpen(String environment) {
        return jdbc.sql("select count(*) from ca_rollover where environment = ? and state in ('REQUESTED', 'APPROVED')")
                .param(environment).query(Integer.class).single() > 0;
    }

    public void recordDecision(String reference, boolean first, String decidedBy) {
        jdbc.sql("update ca_rollover set " + (first ? "first_decided_by" : "second_decided_by") + " = ? where reference = ?")
                .params(decidedBy, reference).update();
    }

    public void recordState(String reference, String state, Integer generation) {
        jdbc.sql("update ca_rollover set state = ?, generation = coalesce(?, generation) where reference = ?")
                .params(state, generation, reference).update();
    }

    /** Records that a reminder offset was sent for a CA; false when one node already did. */
    public boolean claimExpiryReminder(String environment, int generation, int daysBefore, Instant now) {
        try {
            return jdbc.sql("insert into ca_expiry_reminder (environment, generation, days_before, sent_at) values (?, ?, ?, ?)")
                    .params(environment, generation, daysBefore, Timestamp.from(now)).update() == 1;
        } catch (DuplicateKeyException sentBefore) {
            return false;
        }
    }

    public boolean expiryReminderSent(String environment, int generation, int daysBefore) {
        return jdbc.sql("select count(*) from ca_expiry_reminder where environment = ? and generation = ? and days_before = ?")
                .params(environment, generation, daysBefore).query(Integer.class).single() > 0;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getString("environment"), rs.getInt("generation"), State.valueOf(rs.getString("state")),
                rs.getString("certificate_pem"), rs.getString("sha256_fingerprint"), rs.getTimestamp("not_after").toInstant(),
                rs.getString("token_key_label"), rs.getBytes("keystore"), rs.getString("rollover_reference"),
                instant(rs.getTimestamp("activated_at")), instant(rs.getTimestamp("trusted_until")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
