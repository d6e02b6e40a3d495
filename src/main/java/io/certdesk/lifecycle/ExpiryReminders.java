package io.certdesk.lifecycle;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reminders not yet started, by due time. */
@Repository
public class ExpiryReminders {

    public record Due(String serial, int daysBefore, Instant dueAt) {
    }

    private final JdbcClient jdbc;

    public ExpiryReminders(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void schedule(String serial, int daysBefore, Instant dueAt) {
        jdbc.sql("insert into expiry_reminder (serial, days_before, due_at) values (?, ?, ?)")
                .params(serial, daysBefore, Timestamp.from(dueAt)).update();
    }

    /** The oldest due reminders, at most {@code limit}: an index range scan over what is due, nothing else. */
    public List<Due> due(Instant now, int limit) {
        return jdbc.sql("select serial, days_before, due_at from expiry_reminder where due_at <= ? order by due_at fetch first "
                        + limit + " rows only")
                .param(Timestamp.from(now))
                .query((rs, n) -> new Due(rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant())).list();
    }

    /** Removes a reminder once its process started; false when another node took it first. */
    public boolean take(Due due) {
        return jdbc.sql("delete from expiry_reminder where serial = ? and days_before = ?")
                .params(due.serial(), due.daysBefore()).update() == 1;
    }

    public void cancelAll(String serial) {
        jdbc.sql("delete from expiry_reminder where serial = ?").param(serial).update();
    }

    public List<Integer> pendingDays(String serial) {
        return jdbc.sql("select days_before from expiry_reminder where serial = ? order by days_before desc").param(serial)
                .query(Integer.class).list();
    }
}
