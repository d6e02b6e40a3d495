package io.certdesk.trust;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import io.certdesk.request.RequestRepository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Requests to trust a partner CA, with the chain as sent (public certificates only). */
@Repository
public class TrustRequests {

    public record TrustRequest(long id, String reference, String senderEmail, String organizationId, String environment,
                               String chainPem, List<String> problems, String status,
                               String firstDecidedBy, String secondDecidedBy, Boolean firstApproved, Boolean secondApproved) {
    }

    private final JdbcClient jdbc;
    private final RequestRepository numbers;

    public TrustRequests(JdbcClient jdbc, RequestRepository numbers) {
        this.jdbc = jdbc;
        this.numbers = numbers;
    }

    public TrustRequest insert(Instant now, String messageId, String sender, String organizationId, String environment, String chainPem) {
        long id = numbers.nextNumber();
        String reference = String.format("TR-%d-%06d", now.atZone(ZoneOffset.UTC).getYear(), id);
        jdbc.sql("insert into trust_request (id, reference, created_at, message_id, sender_email, organization_id, environment, "
                        + "chain_pem, status) values (?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED')")
                .params(id, reference, Timestamp.from(now), messageId, sender, organizationId, environment, chainPem).update();
        return get(id);
    }

    public TrustRequest get(long id) {
        return jdbc.sql("select * from trust_request where id = ?").param(id)
                .query((rs, n) -> new TrustRequest(rs.getLong("id"), rs.getString("reference"), rs.getString("sender_email"),
                        rs.getString("organization_id"), rs.getString("environment"), rs.getString("chain_pem"),
                        rs.getString("problems") == null || rs.getString("problems").isBlank() ? List.of()
                                : Arrays.asList(rs.getString("problems").split("\n")),
                        rs.getString("status"), rs.getString("first_decided_by"), rs.getString("second_decided_by"),
                        rs.getObject("first_approved") == null ? null : rs.getBoolean("first_approved"),
                        rs.getObject("second_approved") == null ? null : rs.getBoolean("second_approved"))).single();
    }

    /** Records who made the first or second trust decision (the logged-in approver), and what they decided. */
    public void recordDecision(long id, boolean first, String user, boolean approved, Instant at) {
        String column = first ? "first" : "second";
        jdbc.sql("update trust_request set " + column + "_decided_by = ?, " + column + "_decided_at = ?, " + column
                        + "_approved = ? where id = ?").params(user, Timestamp.from(at), approved, id).update();
    }

    /**
     * For a request decided before the decisions were recorded here: the decisions its process recorded (the
     * approval listeners set them from what they checked). Values already recorded stay.
     */
    public void recordEarlierDecisions(long id, Boolean firstApproved, Boolean secondApproved) {
        jdbc.sql("update trust_request set first_approved = coalesce(first_approved, ?), second_approved = coalesce(second_approved, ?) "
                + "where id = ?").params(firstApproved, secondApproved, id).update();
    }

    public void record(long id, String status, List<String> problems) {
        jdbc.sql("update trust_request set status = ?, problems = ? where id = ?").params(status, String.join("\n", problems), id).update();
    }
}
