package io.certdesk.intake;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which node reads the support inbox: the holder of a short lease in the database, renewed with every poll.
 * When the holder stops (crash, shutdown), another node takes over once the lease has run out.
 */
@Component
public class InboxLease {

    static final Duration TERM = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String owner = UUID.randomUUID().toString();

    public InboxLease(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Takes or renews the lease; true while this node holds it. */
    public boolean acquire() {
        var now = clock.instant();
        return jdbc.sql("update intake_lease set owner = ?, expires_at = ? where name = 'support-inbox' and (owner = ? or expires_at < ?)")
                .params(owner, Timestamp.from(now.plus(TERM)), owner, Timestamp.from(now)).update() == 1;
    }

    /** Gives the lease up at shutdown, so another node takes over at once. */
    public void release() {
        jdbc.sql("update intake_lease set expires_at = ? where name = 'support-inbox' and owner = ?")
                .params(Timestamp.from(clock.instant().minusSeconds(1)), owner).update();
    }
}
