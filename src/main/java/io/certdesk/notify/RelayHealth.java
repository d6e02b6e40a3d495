package io.certdesk.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.mail.MessagingException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Whether the mail relay takes connections, for health: a connection and login at most once per
 * {@link #PROBE_INTERVAL}, however often health is asked. Health is public, and a probe per request let anyone make
 * certdesk log in to the company's mail server at will (throttling or locking out the account deliveries use).
 */
final class RelayHealth implements HealthIndicator {

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

    private final JavaMailSenderImpl sender;
    private final Clock clock;
    private Health last;
    private Instant probedAt;

    RelayHealth(JavaMailSenderImpl sender, Clock clock) {
        this.sender = sender;
        this.clock = clock;
    }

    @Override
    public synchronized Health health() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(probedAt.plus(PROBE_INTERVAL)) || now.isBefore(probedAt)) {
            last = probe(now);
            probedAt = now;
        }
        return last;
    }

    private Health probe(Instant now) {
        Health.Builder health;
        try {
            sender.testConnection();
            health = Health.up();
        } catch (MessagingException e) {
            health = Health.down().withDetail("error", String.valueOf(e.getMessage()));
        }
        return health.withDetail("location", sender.getHost() + ":" + sender.getPort()).withDetail("checkedAt", now.toString())
                .build();
    }
}
