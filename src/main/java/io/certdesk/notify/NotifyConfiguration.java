package io.certdesk.notify;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.MailSigningKey;
import io.certdesk.config.CertdeskProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.mail.MailProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires outgoing mail from {@code spring.mail.*} and {@link CertdeskProperties}. */
@Configuration
public class NotifyConfiguration {

    /** Outgoing mail over reused SMTP connections, configured by {@code spring.mail.*}. */
    @Bean
    ReusingMailSender mailSender(MailProperties mail, Optional<MailSigningKey> mailSigningKey, CertdeskProperties certdesk) {
        ReusingMailSender sender = new ReusingMailSender();
        mailSigningKey.ifPresent(key -> sender.setSigner(new SmimeSigner(key)));
        sender.setHost(mail.getHost());
        if (mail.getPort() != null) {
            sender.setPort(mail.getPort());
        }
        sender.setUsername(mail.getUsername());
        sender.setPassword(mail.getPassword());
        sender.setProtocol(mail.getProtocol());
        if (mail.getDefaultEncoding() != null) {
            sender.setDefaultEncoding(mail.getDefaultEncoding().name());
        }
        Properties properties = new Properties();
        properties.putAll(mail.getProperties());
        MailServerTrust trust = MailServerTrust.of(certdesk.mailServers().trustedCertificates());
        if (trust != null) {
            trust.apply(properties, mail.getProtocol() == null ? "smtp" : mail.getProtocol());
        }
        sender.setJavaMailProperties(properties);
        return sender;
    }

    /** Replaces Spring Boot's mail health check, which connected to the relay on every health request. */
    @Bean
    HealthIndicator mailHealthIndicator(ReusingMailSender sender, Clock clock) {
        return new RelayHealth(sender, clock);
    }

    @Bean
    Notifier.NotifySettings notifySettings(CertdeskProperties properties, CertificateAuthorities authorities) {
        return new Notifier.NotifySettings(properties.supportAddress(), properties.supportName(), properties.publicUrl(),
                authorities.environments(), properties.mailSigning().enabled());
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
}
