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

    /** Where a rollover stands: asked for, approved (the new CA being made), closed as rejected, abandoned or done. */
    public enum RolloverState { REQUESTED, APPROVED, REJECTED, ABANDONED, DONE }

    /** One generation as recorded. */
    public record Row(String environment, int generation, State state, String certificatePem, String fingerprint, Instant notAfter,
                      String tokenKeyLabel, byte[] keystore, String rolloverReference, Instant activatedAt, Instant trustedUntil) {
    }

    /** A rollover as asked for and decided. */
    public record Rollover(String reference, String environment, String requestedBy, Instant requestedAt, int overlapDays,
                           String reason, String firstDecidedBy, Boolean firstApproved, String secondDecidedBy, Boolean secondApproved,
                           RolloverState state, Integer generation, String processInstanceId, String startToken) {

        /** Both approvals on record, by two different administrators, and nothing since that ended it. */
        public boolean approved() {
            return Boolean.TRUE.equals(firstApproved) && Boolean.TRUE.equals(secondApproved) && firstDecidedBy != null
                    && secondDecidedBy != null && !firstDecidedBy.equals(secondDecidedBy)
                    && (state == RolloverState.REQUESTED || state == RolloverState.APPROVED || state == RolloverState.DONE);
        }
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
        // every generation of the environment locked: two activations never interleave into two issuing CAs
        List<Row> locked = jdbc.sql("select * from ca_generation where environment = ? order by generation for update")
                .param(environment).query(CaGenerations::row).list();
        Row row = locked.stream().filter(r -> r.generation() == generation).findFirst().orElseThrow();
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
                        insert into ca_rollover (reference, environment, requested_by, requested_at, overlap_days, reason, state,
                            process_instance_id, start_token)
                        values (?, ?, ?, ?, ?, ?, 'REQUESTED', ?, ?)""")
                .params(r.reference(), r.environment(), r.requestedBy(), Timestamp.from(r.requestedAt()), r.overlapDays(), r.reason(),
                        r.processInstanceId(), r.startToken())
                .update();
    }

    public Optional<Rollover> rollover(String reference) {
        return jdbc.sql("select * from ca_rollover where reference = ?").param(reference).query(CaGenerations::rollover).optional();
    }

    /** The rollovers of the environment asked for and neither done, rejected nor abandoned. */
    public List<Rollover> openRollovers(String environment) {
        return jdbc.sql("select * from ca_rollover where environment = ? and state in ('REQUESTED', 'APPROVED')")
                .param(environment).query(CaGenerations::rollover).list();
    }

    /** Binds the rollover to the process that carries it; false when another process holds it. */
    public boolean bind(String reference, String processInstanceId) {
        return jdbc.sql("update ca_rollover set process_instance_id = ? where reference = ? and "
                        + "(process_instance_id is null or process_instance_id = ?)")
                .params(processInstanceId, reference, processInstanceId).update() == 1;
    }

    /**
     * Records one decision, once: the first only while none is on record, the second only after an approving first
     * by someone else. False when the record refuses it.
     */
    public boolean recordDecision(String reference, boolean first, String decidedBy, boolean approved) {
        if (first) {
            return jdbc.sql("update ca_rollover set first_decided_by = ?, first_approved = ? where reference = ? "
                            + "and first_decided_by is null and state = 'REQUESTED'")
                    .params(decidedBy, approved, reference).update() == 1;
        }
        return jdbc.sql("update ca_rollover set second_decided_by = ?, second_approved = ? where reference = ? "
                        + "and second_decided_by is null and first_approved = ? and first_decided_by <> ? and state = 'REQUESTED'")
                .params(decidedBy, approved, reference, true, decidedBy).update() == 1;
    }

    /** Moves the rollover on; only from a state that is still open. */
    public void recordState(String reference, RolloverState state, Integer generation) {
        jdbc.sql("update ca_rollover set state = ?, generation = coalesce(?, generation) where reference = ? "
                        + "and state in ('REQUESTED', 'APPROVED')")
                .params(state.name(), generation, reference).update();
    }

    private static Rollover rollover(ResultSet rs, int n) throws SQLException {
        return new Rollover(rs.getString("reference"), rs.getString("environment"), rs.getString("requested_by"),
                rs.getTimestamp("requested_at").toInstant(), rs.getInt("overlap_days"), rs.getString("reason"),
                rs.getString("first_decided_by"), (Boolean) rs.getObject("first_approved"), rs.getString("second_decided_by"),
                (Boolean) rs.getObject("second_approved"), RolloverState.valueOf(rs.getString("state")), (Integer) rs.getObject("generation"),
                rs.getString("process_instance_id"), rs.getString("start_token"));
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
