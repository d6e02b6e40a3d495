package io.certdesk.trust;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.ServerCertificates;
import io.certdesk.config.CertdeskProperties;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    private final java.util.Map<Integer, ClientTrust> registered = new java.util.LinkedHashMap<>();
    /** The listeners' server certificates, recorded in the inventory once the database is ready. */
    private final java.util.Map<String, java.security.cert.X509Certificate> serverCertificates = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Integer> serverCertificateGenerations = new java.util.LinkedHashMap<>();

    @jakarta.annotation.PreDestroy
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
                                                                               org.springframework.boot.autoconfigure.web.ServerProperties server,
                                                                               io.certdesk.rollover.CaGenerationSync generationsLoaded) {
        noStatelessSessionTickets();
        CertdeskProperties.Mtls settings = properties.mtls();
        List<String> environments = new java.util.ArrayList<>(settings.portsOrNone().keySet());
        java.util.Collections.sort(environments);
        List<Connector> connectors = new java.util.ArrayList<>();
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
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void recordServerCertificates(org.springframework.boot.context.event.ApplicationReadyEvent ready) {
        io.certdesk.inventory.CertificateInventory inventory = ready.getApplicationContext().getBean(io.certdesk.inventory.CertificateInventory.class);
        java.time.Instant now = java.time.Instant.now();
        serverCertificates.forEach((environment, certificate) -> {
            String serial = io.certdesk.authority.SerialNumbers.hex(certificate.getSerialNumber());
            inventory.recordServerCertificate(new io.certdesk.inventory.IssuedCertificate(serial, environment,
                    "SRV-" + serial.substring(0, Math.min(16, serial.length())), io.certdesk.inventory.CertificateInventory.SERVER_ORGANIZATION,
                    certificate.getSubjectX500Principal().getName(),
                    io.certdesk.authority.Fingerprints.sha256Hex(certificate.getPublicKey().getEncoded()),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                    io.certdesk.inventory.IssuedCertificate.Status.ACTIVE, io.certdesk.authority.Pem.encode(certificate), now, null, null),
                    serverCertificateGenerations.getOrDefault(environment, 1));
            log.info("mTLS server certificate for '{}' recorded in the inventory: serial {}", environment, serial);
        });
        serverCertificates.clear();
    }

    private static Connector connector(String environment, int port, String trustManagerClass, CertificateAuthorities authorities,
                                       List<String> hostNames, java.util.Map<String, java.security.cert.X509Certificate> issued) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        KeyStore keyStore = ServerCertificates.issue(authorities.get(environment), hostNames, List.of("127.0.0.1"), password.toCharArray());
        try {
            issued.put(environment, (java.security.cert.X509Certificate) keyStore.getCertificate("server"));
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException("the mTLS server certificate for " + environment + " cannot be read back", e);
        }
        Connector connector = new Connector(Http11NioProtocol.class.getName());
        connector.setPort(port);
        connector.setScheme("https");
        connector.setSecure(true);
        Http11NioProtocol protocol = (Http11NioProtocol) connector.getProtocolHandler();
        protocol.setSSLEnabled(true);
        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setHostName("_default_");
        // TLS 1.2: the client certificate is judged inside the handshake, so the guide's
        // "openssl s_client ... -brief" prints CONNECTION ESTABLISHED only for a trusted certificate
        // (with TLS 1.3 the refusal arrives after the client already reported success)
        ssl.setProtocols("TLSv1.2");
        ssl.setCertificateVerification("required");
        // a resumed TLS session skips the trust manager: sessions live one second, so a block or a revocation
        // reaches a client that connected before it at its next handshake (see noStatelessSessionTickets)
        ssl.setSessionTimeout(SESSION_SECONDS);
        ssl.setTrustManagerClassName(trustManagerClass);
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateKeystore(keyStore);
        certificate.setCertificateKeystorePassword(password);
        certificate.setCertificateKeyAlias("server");
        ssl.addCertificate(certificate);
        protocol.addSslHostConfig(ssl);
        log.info("mTLS test endpoint for environment '{}' on https://{}:{}/", environment, hostNames.get(0), port);
        return connector;
    }
}
