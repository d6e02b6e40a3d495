package io.certdesk.config;

import java.time.Clock;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.MailSigningKey;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.mail.MailProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds {@link CertdeskProperties} and makes what every capability shares: the clock and the CAs. Each capability
 * wires its own beans from these settings (intake, notify, request and web each in their own configuration class).
 */
@Configuration
@EnableConfigurationProperties({CertdeskProperties.class, MailProperties.class})
public class CertdeskConfiguration {

    @Bean
    Clock clock() {
        return new EngineClock();
    }

    /** Every environment's CAs, loaded (or in embedded mode created) at start-up. */
    @Bean
    CertificateAuthorities certificateAuthorities(CertdeskProperties properties, Clock clock) {
        return new CertificateAuthorities(properties.authoritySettings(), clock);
    }

    /** The key outgoing mail is S/MIME-signed with (none when {@code certdesk.mail-signing.enabled} is false). */
    @Bean
    @ConditionalOnProperty(name = "certdesk.mail-signing.enabled", havingValue = "true", matchIfMissing = true)
    MailSigningKey mailSigningKey(CertdeskProperties properties, CertificateAuthorities authorities) {
        // the CAs first: a production start missing both reports the CA keystore
        return MailSigningKeys.open(properties);
    }
}
