package io.certdesk.trust;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.rollover.CaGenerationSync;
import jakarta.annotation.PreDestroy;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The mTLS test endpoints of the client guides ({@code curl --cert ... https://host:8443/test} answers 404,
 * {@code openssl s_client ... -brief} prints CONNECTION ESTABLISHED): one HTTPS listener per environment, whose
 * server certificate comes from the environment's CA and which requires a client certificate that
 * {@link TrustService} accepts for that environment. Untrusted, expired and revoked certificates fail the handshake.
 */
@Configuration
@ConditionalOnProperty(name = "certdesk.mtls.enabled", havingValue = "true", matchIfMissing = true)
public class MtlsEndpointConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MtlsEndpointConfiguration.class);

    static final int SESSION_SECONDS = 1;

    private final Map<Integer, ClientTrust> registered = new LinkedHashMap<>();
    /** The listeners' server certificates, recorded in the inventory once the database is ready. */
    private final Map<String, X509Certificate> serverCertificates = new LinkedHashMap<>();
    private final Map<String, Integer> serverCertificateGenerations = new LinkedHashMap<>();

    @PreDestroy
    void unregister() {
        registered.forEach(MtlsTrustManager::unregister);
    }

    /**
     * The JDK resumes a TLS 1.2 session from a stateless ticket (RFC 5077) without looking at the session
     * timeout, and a resumed session never meets the trust manager: a certificate blocked or revoked after the
     * ticket was issued would go on connecting. The JDK only offers a JVM-wide switch for tickets; certdesk's
     * mTLS listeners are its only TLS servers, so it is turned off before they create their SSL contexts.
     */
    static void noStatelessSessionTickets() {
        System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
    }

    /**
     * The listeners' server certificates come from each environment's issuing CA, so the CA generations on record
     * are loaded first ({@code generationsLoaded}).
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> mtlsTestEndpoints(CertdeskProperties properties,
                                                                               CertificateAuthorities authorities, TrustService trust,
                                                                               ServerProperties server,
                                                                               CaGenerationSync generationsLoaded) {
        noStatelessSessionTickets();
        CertdeskProperties.Mtls settings = properties.mtls();
        List<String> environments = new ArrayList<>(settings.portsOrNone().keySet());
        Collections.sort(environments);
        List<Connector> connectors = new ArrayList<>();
        for (int slot = 0; slot < environments.size(); slot++) {
            String environment = environments.get(slot);
            ClientTrust clientTrust = trust.clientTrust(environment);
            MtlsTrustManager.register(slot, clientTrust);
            registered.put(slot, clientTrust);
            connectors.add(connector(environment, settings.portsOrNone().get(environment), MtlsTrustManager.className(slot),
                    authorities, settings.hostNames(), serverCertificates));
            serverCertificateGenerations.put(environment, authorities.get(environment).generation());
            if (server.getAddress() != null) {
                // the same interface as the web port: loopback in embedded mode unless told otherwise
                connectors.get(connectors.size() - 1).setProperty("address", server.getAddress().getHostAddress());
            }
        }
        return factory -> connectors.forEach(factory::addAdditionalTomcatConnectors);
    }

    /**
     * Every certificate the CA signs is in the inventory, so CRL and OCSP know it: the listeners' server certificates
     * too (kind SERVER, never a subject of reminders), one per environment and start of a node.
     */
    @EventListener(ApplicationReadyEvent.class)
    void recordServerCertificates(ApplicationReadyEvent ready) {
        CertificateInventory inventory = ready.getApplicationContext().getBean(CertificateInventory.class);
        Instant now = Instant.now();
        serverCertificates.forEach((environment, certificate) -> {
            String serial = SerialNumbers.hex(certificate.getSerialNumber());
            inventory.recordServerCertificate(new IssuedCertificate(serial, environment,
                    "SRV-" + serial.substring(0, Math.min(16, serial.length())), CertificateInventory.SERVER_ORGANIZATION,
                    certificate.getSubjectX500Principal().getName(),
                    Fingerprints.sha256Hex(certificate.getPublicKey().getEncoded()),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                    IssuedCertificate.Status.ACTIVE, Pem.encode(certificate), now, null, null),
                    serverCertificateGenerations.getOrDefault(environment, 1));
            log.info("mTLS server certificate for '{}' recorded in the inventory: serial {}", environment, serial);
        });
        serverCertificates.clear();
    }

    private static Connector connector(String environment, int port, String trustManagerClass, CertificateAuthorities authorities,
                                       List<String> hostNames, Map<String, X509Certificate> issued) {
        Connector connector = ClientCertificateConnectors.connector("mTLS", environment, port, authorities, hostNames, issued,
                trustManagerClass, ssl -> {
                    // TLS 1.2: the client certificate is judged inside the handshake, so the guide's
                    // "openssl s_client ... -brief" prints CONNECTION ESTABLISHED only for a trusted certificate
                    // (with TLS 1.3 the refusal arrives after the client already reported success)
                    ssl.setProtocols("TLSv1.2");
                    ssl.setCertificateVerification("required");
                    // a resumed TLS session skips the trust manager: sessions live one second, so a block or a
                    // revocation reaches a client that connected before it at its next handshake (see
                    // noStatelessSessionTickets)
                    ssl.setSessionTimeout(SESSION_SECONDS);
                }, protocol -> {
                    // a test endpoint: a few threads are plenty, and each reserves a deep stack (ClientCertificateConnectors)
                    protocol.setMaxThreads(32);
                });
        log.info("mTLS test endpoint for environment '{}' on https://{}:{}/", environment, hostNames.get(0), port);
        return connector;
    }
}
