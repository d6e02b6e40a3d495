package io.certdesk.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.intake.SupportInboxPoller;
import io.certdesk.notify.ReplyThrottle;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health beyond database and SMTP: every CA key can sign and its certificate is valid; the support inbox is read. */
@Configuration
public class HealthChecks {

    @Bean
    HealthIndicator certificateAuthoritiesHealthIndicator(CertificateAuthorities authorities, Clock clock) {
        return () -> {
            Health.Builder health = Health.up();
            for (String environment : authorities.environments()) {
                CertificateAuthority ca = authorities.get(environment);
                try {
                    ca.newSigner().getOutputStream().write(new byte[]{1});
                    Instant notAfter = ca.certificate().getNotAfter().toInstant();
                    if (clock.instant().isAfter(notAfter)) {
                        return Health.down().withDetail(environment, "CA certificate expired on " + notAfter).build();
                    }
                    health.withDetail(environment, "key loaded, certificate valid until " + notAfter);
                } catch (Exception e) {
                    return Health.down().withDetail(environment, "CA key cannot sign: " + e.getMessage()).build();
                }
            }
            return health.build();
        };
    }

    /**
     * Automatic replies held back by the per-address and per-domain limits within the last hour. Always up: a
     * request whose reply was held back is processed as usual, but a rising number means someone is using
     * certdesk's replies against an address (a forged From) and is worth a look.
     */
    @Bean
    HealthIndicator autoRepliesHealthIndicator(ReplyThrottle throttle, CertdeskProperties properties) {
        return () -> Health.up()
                .withDetail("throttledLastHour", throttle.throttledWithin(Duration.ofHours(1)))
                .withDetail("maxPerRecipient", properties.autoReplies().maxPerRecipient())
                .withDetail("maxPerDomain", properties.autoReplies().maxPerDomain())
                .withDetail("window", properties.autoReplies().window().toString())
                .build();
    }

    @Bean
    HealthIndicator supportInboxHealthIndicator(Optional<SupportInboxPoller> poller) {
        return () -> {
            if (poller.isEmpty()) {
                return Health.unknown().withDetail("intake", "disabled").build();
            }
            Instant last = poller.get().lastSuccess();
            Duration allowed = poller.get().pollInterval().multipliedBy(10).plusSeconds(30);
            if (last != null && Duration.between(last, Instant.now()).compareTo(allowed) <= 0) {
                return Health.up().withDetail("lastRead", last.toString()).build();
            }
            Health.Builder down = Health.down().withDetail("lastRead", last == null ? "never" : last.toString());
            return poller.get().lastError() == null ? down.build() : down.withDetail("error", poller.get().lastError()).build();
        };
    }
}
