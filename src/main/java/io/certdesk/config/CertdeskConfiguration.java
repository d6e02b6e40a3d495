package io.certdesk.config;

import java.time.Clock;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.intake.EmbeddedMailServer;
import io.certdesk.intake.IntakeService;
import io.certdesk.intake.SupportInboxPoller;
import io.certdesk.notify.Notifier;
import io.certdesk.request.RequestPolicy;
import io.certdesk.request.RequestService;
import io.certdesk.web.AdminAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires certdesk's capabilities from {@link CertdeskProperties}. */
@Configuration
@EnableConfigurationProperties({CertdeskProperties.class, org.springframework.boot.autoconfigure.mail.MailProperties.class})
public class CertdeskConfiguration {

    @Bean
    Clock clock() {
        return new EngineClock();
    }

    /** Outgoing mail over reused SMTP connections, configured by {@code spring.mail.*}. */
    @Bean
    io.certdesk.notify.ReusingMailSender mailSender(org.springframework.boot.autoconfigure.mail.MailProperties mail,
                                                    java.util.Optional<io.certdesk.authority.MailSigningKey> mailSigningKey,
                                                    CertdeskProperties certdesk) {
        io.certdesk.notify.ReusingMailSender sender = new io.certdesk.notify.ReusingMailSender();
        mailSigningKey.ifPresent(key -> sender.setSigner(new io.certdesk.notify.SmimeSigner(key)));
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
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(mail.getProperties());
        io.certdesk.intake.MailServerTrust trust = io.certdesk.intake.MailServerTrust.of(certdesk.mailServers().trustedCertificates());
        if (trust != null) {
            trust.apply(properties, mail.getProtocol() == null ? "smtp" : mail.getProtocol());
        }
        sender.setJavaMailProperties(properties);
        return sender;
    }

    /** Every environment's CAs, loaded (or in embedded mode created) at start-up. */
    @Bean
    CertificateAuthorities certificateAuthorities(CertdeskProperties properties, Clock clock) {
        return new CertificateAuthorities(properties.authoritySettings(), clock);
    }

    /** The key outgoing mail is S/MIME-signed with (none when {@code certdesk.mail-signing.enabled} is false). */
    @Bean
    @ConditionalOnProperty(name = "certdesk.mail-signing.enabled", havingValue = "true", matchIfMissing = true)
    io.certdesk.authority.MailSigningKey mailSigningKey(CertdeskProperties properties, CertificateAuthorities authorities) {
        // the CAs first: a production start missing both reports the CA keystore
        return MailSigningKeys.open(properties);
    }

    @Bean
    RequestPolicy requestPolicy(CertdeskProperties properties) {
        return new RequestPolicy(properties.policy().toSettings(properties.environments().keySet()));
    }

    @Bean
    RequestService.RequestDefaults requestDefaults(CertdeskProperties properties) {
        if (!properties.environments().containsKey(properties.defaultEnvironment())) {
            throw new IllegalStateException("certdesk.default-environment '" + properties.defaultEnvironment()
                    + "' is not one of certdesk.environments " + properties.environments().keySet());
        }
        return new RequestService.RequestDefaults(properties.defaultEnvironment());
    }

    @Bean
    Notifier.NotifySettings notifySettings(CertdeskProperties properties, CertificateAuthorities authorities) {
        return new Notifier.NotifySettings(properties.supportAddress(), properties.supportName(), properties.publicUrl(),
                authorities.environments(), properties.mailSigning().enabled());
    }

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
                                          java.util.Optional<EmbeddedMailServer> embeddedMail,
                                          io.certdesk.intake.InboxLease lease,
                                          io.micrometer.core.instrument.MeterRegistry metrics,
                                          io.certdesk.notify.Notifier notifier) {
        CertdeskProperties.Intake settings = properties.intake();
        if (settings.username() == null || settings.username().isBlank()) {
            throw new IllegalStateException("certdesk.intake.username is not set: which mailbox should certdesk read?");
        }
        SupportInboxPoller poller = new SupportInboxPoller(settings, intake, lease, metrics, notifier);
        poller.setTrust(io.certdesk.intake.MailServerTrust.of(properties.mailServers().trustedCertificates()));
        CertdeskProperties.MailAuthentication authentication = properties.mailAuthentication();
        if (authentication.enabled()) {
            poller.setAuthenticator(new io.certdesk.intake.MailAuthenticator(new io.certdesk.intake.MailAuthenticator.Settings(
                    authentication.dkimKeysOrNone(), authentication.dnsLookups(), authentication.trustedAuthservId())));
        }
        return poller;
    }

    @Bean
    FilterRegistrationBean<AdminAuthenticationFilter> adminAuthentication(org.camunda.bpm.engine.IdentityService identity) {
        FilterRegistrationBean<AdminAuthenticationFilter> registration = new FilterRegistrationBean<>(new AdminAuthenticationFilter(identity));
        registration.addUrlPatterns("/admin/*", "/actuator/prometheus");
        registration.setName("admin-authentication");
        return registration;
    }

    /** Checks what reaches Camunda's REST API and the webapps' API before the engine sees it. */
    @Bean
    FilterRegistrationBean<io.certdesk.web.EngineApiGuard> engineApiGuard() {
        FilterRegistrationBean<io.certdesk.web.EngineApiGuard> registration = new FilterRegistrationBean<>(new io.certdesk.web.EngineApiGuard());
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/*");
        registration.setName("engine-api-guard");
        registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** OCSP over GET puts base64 (which may hold '/', sent as %2F) in one path segment: let it through undecoded. */
    @Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory> encodedSlashes() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setEncodedSolidusHandling("passthrough"));
    }

    /** The REST API answers only to Camunda users, by HTTP Basic authentication. */
    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
                HttpBasicAuthenticationProvider.class.getName());
        registration.setName("engine-rest-authentication");
        return registration;
    }
}
