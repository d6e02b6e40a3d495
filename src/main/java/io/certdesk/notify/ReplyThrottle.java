package io.certdesk.notify;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.certdesk.authority.Fingerprints;
import io.certdesk.config.CertdeskProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides whether an automatic reply may go to an address: at most {@code max-per-recipient} replies to one
 * address and {@code max-per-domain} to one domain within the window, counted in the database so that every node
 * counts the same replies. A reply over a limit is recorded with its reason and counted, never sent; whoever asked
 * goes on as if it had been sent, so a held-back reply never fails or retries a request.
 *
 * <p>The decision for one reply (request reference, template, recipient) is kept: a retried mail step gets the
 * same answer and does not count twice. The decision is taken and committed in a short transaction of its own:
 * the lock row keeps two nodes from both taking the last reply of a quota, and is held for those few statements
 * only, not while the caller signs and sends its mail (a slow relay would otherwise hold every other reply back).
 */
@Component
public class ReplyThrottle {

    private static final Logger log = LoggerFactory.getLogger(ReplyThrottle.class);
    static final String RECIPIENT_LIMIT = "RECIPIENT_LIMIT";
    static final String DOMAIN_LIMIT = "DOMAIN_LIMIT";
    /** Decisions older than this are removed now and then; the window is far shorter. */
    private static final Duration KEEP = Duration.ofDays(7);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final CertdeskProperties.AutoReplies limits;
    private final Counter throttled;
    private final AtomicLong decisions = new AtomicLong();
    private final TransactionTemplate decisionTransactions;

    public ReplyThrottle(JdbcClient jdbc, Clock clock, CertdeskProperties properties, MeterRegistry metrics,
                         PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.decisionTransactions = new TransactionTemplate(transactionManager);
        this.decisionTransactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.limits = properties.autoReplies();
        this.throttled = metrics.counter("certdesk.mails.throttled");
    }

    /** True when the automatic reply {@code template} about {@code reference} may be sent to {@code recipient}. */
    public boolean permit(String recipient, String template, String reference) {
        return Boolean.TRUE.equals(decisionTransactions.execute(status -> decide(recipient, template, reference)));
    }

    private boolean decide(String recipient, String template, String reference) {
        String address = recipient.trim().toLowerCase(Locale.ROOT);
        String domain = address.substring(address.lastIndexOf('@') + 1);
        String key = Fingerprints.sha256Hex((reference + "\n" + template + "\n" + address).getBytes(StandardCharsets.UTF_8));
        Instant now = clock.instant();
        // one decision at a time across all nodes: taken here, released when this decision's transaction commits
        jdbc.sql("update auto_reply_lock set locked_at = ? where name = 'auto-replies'").param(Timestamp.from(now)).update();
        Boolean decided = jdbc.sql("select throttled from auto_reply where reply_key = ?").param(key)
                .query(Boolean.class).optional().orElse(null);
        if (decided != null) {
            return !decided;
        }
        Timestamp since = Timestamp.from(now.minus(limits.window()));
        long toRecipient = jdbc.sql("select count(*) from auto_reply where recipient = ? and decided_at > ? and throttled = false")
                .params(address, since).query(Long.class).single();
        long toDomain = jdbc.sql("select count(*) from auto_reply where recipient_domain = ? and decided_at > ? and throttled = false")
                .params(domain, since).query(Long.class).single();
        String reason = toRecipient >= limits.maxPerRecipient() ? RECIPIENT_LIMIT
                : toDomain >= limits.maxPerDomain() ? DOMAIN_LIMIT : null;
        jdbc.sql("""
                        insert into auto_reply (reply_key, recipient, recipient_domain, template, reference, decided_at, throttled, reason)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(key, truncate(address, 254), truncate(domain, 254), truncate(template, 40), truncate(reference, 200),
                        Timestamp.from(now), reason != null, reason)
                .update();
        if (decisions.incrementAndGet() % 500 == 0) {
            jdbc.sql("delete from auto_reply where decided_at < ?").param(Timestamp.from(now.minus(KEEP))).update();
        }
        if (reason != null) {
            throttled.increment();
            log.warn("Automatic reply {} about {} to {} held back: {} ({} to the address, {} to its domain within {})",
                    template, reference, address, reason, toRecipient, toDomain, limits.window());
            return false;
        }
        return true;
    }

    /** How many automatic replies were held back within {@code period} up to now. */
    public long throttledWithin(Duration period) {
        return jdbc.sql("select count(*) from auto_reply where throttled = true and decided_at > ?")
                .param(Timestamp.from(clock.instant().minus(period))).query(Long.class).single();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
