package io.certdesk.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.Organizations;
import io.certdesk.notify.MailServerTrust;
import io.certdesk.notify.Notifier;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the support inbox reader (and, in the embedded mode, the mail server it reads) from {@link CertdeskProperties}. */
@Configuration
public class IntakeConfiguration {

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(name = "certdesk.embedded-mail.enabled", havingValue = "true")
    EmbeddedMailServer embeddedMailServer(CertdeskProperties properties) {
        if (!properties.embedded()) {
            throw new IllegalStateException("certdesk.embedded-mail.enabled is for the embedded mode only; "
                    + "production mode uses the IMAP and SMTP servers given by certdesk.intake.* and spring.mail.*");
        }
        return new EmbeddedMailServer(properties.embeddedMail());
    }

    /** The support inbox reader; it takes the embedded mail server (when there is one) so that it starts after it. */
    @Bean
    @ConditionalOnProperty(name = "certdesk.intake.enabled", havingValue = "true", matchIfMissing = true)
    SupportInboxPoller supportInboxPoller(CertdeskProperties properties, IntakeService intake,
                                          Optional<EmbeddedMailServer> embeddedMail, InboxLease lease,
                                          MeterRegistry metrics, Notifier notifier, Organizations organizations) {
        CertdeskProperties.Intake settings = properties.intake();
        if (settings.username() == null || settings.username().isBlank()) {
            throw new IllegalStateException("certdesk.intake.username is not set: which mailbox should certdesk read?");
        }
        SupportInboxPoller poller = new SupportInboxPoller(settings, intake, lease, metrics, notifier);
        poller.setTrust(MailServerTrust.of(properties.mailServers().trustedCertificates()));
        CertdeskProperties.MailAuthentication authentication = properties.mailAuthentication();
        if (authentication.enabled()) {
            poller.setAuthenticator(new MailAuthenticator(new MailAuthenticator.Settings(
                    authentication.dkimKeysOrNone(), authentication.dnsLookups(), authentication.trustedAuthservId()),
                    organizations::dkimRequiredFrom));
        }
        return poller;
    }

    /** The support inbox is read: its last successful pass is recent enough. */
    @Bean
    HealthIndicator supportInboxHealthIndicator(Optional<SupportInboxPoller> poller) {
        return () -> {
            if (poller.isEmpty()) {
                return Health.unknown().withDetail("intake", "disabled").build();
            }
            Instant last = poller.get().lastSuccess();
            Duration allowed = poller.get().healthyWithin();
            if (last != null && Duration.between(last, Instant.now()).compareTo(allowed) <= 0) {
                return Health.up().withDetail("lastRead", last.toString()).withDetail("newMail", poller.get().mode())
                        .withDetail("newMailDetail", poller.get().modeReason()).build();
            }
            Health.Builder down = Health.down().withDetail("lastRead", last == null ? "never" : last.toString())
                    .withDetail("newMail", poller.get().mode()).withDetail("newMailDetail", poller.get().modeReason());
            return poller.get().lastError() == null ? down.build() : down.withDetail("error", poller.get().lastError()).build();
        };
    }
}
