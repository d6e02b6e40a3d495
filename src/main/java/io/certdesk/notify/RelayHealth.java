package io.certdesk.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.mail.MessagingException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Whether the mail relay takes connections, for health: one probe (connection and login) at a time, at most once per
 * {@link #PROBE_INTERVAL}, however often health is asked. Health is public: a probe per request let anyone make
 * certdesk log in to the company's mail server at will, and callers must never queue behind a slow relay, which
 * would hold the web server's threads. While a probe runs, others get the last result (UNKNOWN before the first).
 */
final class RelayHealth implements HealthIndicator {

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

    private record Probe(Health health, Instant at) {
    }

    private final JavaMailSenderImpl sender;
    private final Clock clock;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile Probe last;

    RelayHealth(JavaMailSenderImpl sender, Clock clock) {
        this.sender = sender;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Probe known = last;
        if ((known == null || stale(known)) && probing.compareAndSet(false, true)) {
            try {
                Health health = probe();
                // stamped when it ended: a probe that waited out the relay's timeout is not stale at once
                known = new Probe(health, clock.instant());
                last = known;
            } finally {
                probing.set(false);
            }
        }
        return known == null ? Health.unknown().withDetail("location", location()).withDetail("checking", true).build()
                : known.health();
    }

    private boolean stale(Probe probe) {
        Instant now = clock.instant();
        return !now.isBefore(probe.at().plus(PROBE_INTERVAL)) || now.isBefore(probe.at());
    }

    private Health probe() {
        Health.Builder health;
        try {
            sender.testConnection();
            health = Health.up();
        } catch (MessagingException e) {
            health = Health.down().withDetail("error", String.valueOf(e.getMessage()));
        }
        return health.withDetail("location", location()).withDetail("checkedAt", clock.instant().toString()).build();
    }

    private String location() {
        return sender.getHost() + ":" + sender.getPort();
    }
}
