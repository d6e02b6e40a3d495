package io.certdesk.notify;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The mails about waiting decisions that are still to be sent ({@code approver_notification}). Rows are written in
 * the engine's transaction, by the listener on every new task and by the reminder and escalation timers, so a mail
 * is owed exactly when the task or timer committed; {@link ApproverMails} sends them afterwards.
 */
@Component
public class ApproverNotifications {

    public enum Kind { TASK, REMINDER, ESCALATION, STILL_LOOKING }

    /** One mail still owed. */
    public record Pending(long id, Kind kind, String taskId, String groupId, String recipient, String reference,
                          Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    public ApproverNotifications(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The members of {@code group} are to hear about {@code taskId}. */
    public void forGroup(Kind kind, String taskId, String group) {
        jdbc.sql("insert into approver_notification (kind, task_id, group_id, created_at) values (?, ?, ?, ?)")
                .params(kind.name(), taskId, truncate(group, 255), Timestamp.from(clock.instant())).update();
    }

    /** Escalation of an overdue task: to the escalation group and address, whichever are configured. */
    public void escalation(String taskId) {
        forGroup(Kind.ESCALATION, taskId, null);
    }

    /**
     * The client whose request {@code reference} waits past its due date is to hear, once, that it is still being
     * looked at. False when that mail was already owed or sent.
     */
    public boolean stillLooking(String reference, String recipient) {
        String key = truncate("still-looking\n" + reference, 300);
        // "where not exists" rather than a caught duplicate key: on PostgreSQL a failed insert would end the
        // engine's transaction
        return jdbc.sql("""
                        insert into approver_notification (kind, recipient, reference, once_key, created_at)
                        select ?, ?, ?, ?, ? from certdesk_one_row
                        where not exists (select 1 from approver_notification where once_key = ?)""")
                .params(Kind.STILL_LOOKING.name(), truncate(recipient, 254), truncate(reference, 200), key,
                        Timestamp.from(clock.instant()), key)
                .update() == 1;
    }

    /** Mails owed and not taken by a node right now, oldest first. */
    List<Pending> pending(int max) {
        return jdbc.sql("""
                        select id, kind, task_id, group_id, recipient, reference, created_at from approver_notification
                        where sent_at is null and (claimed_until is null or claimed_until < ?) order by id""")
                .param(Timestamp.from(clock.instant()))
                .query((rs, n) -> new Pending(rs.getLong("id"), Kind.valueOf(rs.getString("kind")), rs.getString("task_id"),
                        rs.getString("group_id"), rs.getString("recipient"), rs.getString("reference"),
                        rs.getTimestamp("created_at").toInstant()))
                .list().stream().limit(max).toList();
    }

    /** Takes {@code id} for this node for {@code lease}: false when another node took it or it was sent. */
    boolean claim(long id, Duration lease) {
        Instant now = clock.instant();
        return jdbc.sql("""
                        update approver_notification set claimed_until = ?
                        where id = ? and sent_at is null and (claimed_until is null or claimed_until < ?)""")
                .params(Timestamp.from(now.plus(lease)), id, Timestamp.from(now)).update() == 1;
    }

    /** Done with {@code id}: sent, or not needed any more ({@code outcome} says which). */
    void done(long id, String outcome) {
        jdbc.sql("update approver_notification set sent_at = ?, outcome = ? where id = ?")
                .params(Timestamp.from(clock.instant()), truncate(outcome, 40), id).update();
    }

    /** Gives {@code id} back, to be tried again after {@code delay}. */
    void retryAfter(long id, Duration delay) {
        jdbc.sql("update approver_notification set claimed_until = ? where id = ?")
                .params(Timestamp.from(clock.instant().plus(delay)), id).update();
    }

    /** Removes what was sent or dropped longer than {@code keep} ago. */
    void forgetSentBefore(Duration keep) {
        jdbc.sql("delete from approver_notification where sent_at < ?").param(Timestamp.from(clock.instant().minus(keep))).update();
    }

    /** True the first time a member without a mail address is seen (on any node), false afterwards. */
    boolean firstTimeWithoutAddress(String userId) {
        try {
            jdbc.sql("insert into approver_without_address (user_id, noted_at) values (?, ?)")
                    .params(truncate(userId, 255), Timestamp.from(clock.instant())).update();
            return true;
        } catch (DuplicateKeyException known) {
            return false;
        }
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
