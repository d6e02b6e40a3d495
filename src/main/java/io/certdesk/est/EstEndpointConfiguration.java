package io.certdesk.est;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.rollover.CaGenerationSync;
import io.certdesk.trust.ClientCertificateConnectors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The EST listeners: one HTTPS port per environment ({@code certdesk.est.ports}), whose server certificate comes
 * from the environment's CA, asking for a client certificate without requiring one, so a refusal is an HTTP
 * answer with a reason. They serve {@code /.well-known/est/<environment>/...} and nothing else of certdesk; the
 * other listeners do not serve EST.
 */
@Configuration
@EnableConfigurationProperties(EstSettings.class)
public class EstEndpointConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EstEndpointConfiguration.class);

    static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";
    static final String PREFIX = "/.well-known/est/";
    /**
     * With the environment as label ({@code /.well-known/est/qa/simplereenroll}, RFC 7030 3.2.2) or without one
     * ({@code /.well-known/est/simplereenroll}, as strongSwan's {@code pki --est} asks): each listener is one environment's.
     */
    private static final Pattern OPERATION = Pattern.compile("^/\\.well-known/est/(?:([^/]+)/)?(cacerts|simpleenroll|simplereenroll|csrattrs)/?$");
    /** A CSR in base64 is never larger (CsrParser refuses over 64 KiB of DER). */
    static final int MAX_BODY = 16 * 1024;

    /** The EST connectors by environment; their ports are known once Tomcat started them (0 picks a free one). */
    private final Map<String, Connector> listeners = new TreeMap<>();
    private final Map<String, X509Certificate> serverCertificates = new LinkedHashMap<>();

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> estListeners(EstSettings settings, CertdeskProperties properties,
                                                                          CertificateAuthorities authorities,
                                                                          ServerProperties server,
                                                                          CaGenerationSync generationsLoaded) {
        // a resumed TLS session carries the client certificate of its first handshake; EST judges it again at
        // every request, so resumption is harmless here (and the JVM-wide ticket switch of the mTLS listeners stays)
        List<Connector> connectors = new ArrayList<>();
        settings.portsOrNone().forEach((environment, port) -> {
            Connector connector = connector(environment, port, authorities, properties.mtls().hostNames(), serverCertificates);
            if (server.getAddress() != null) {
                connector.setProperty("address", server.getAddress().getHostAddress());
            }
            listeners.put(environment, connector);
            connectors.add(connector);
        });
        return factory -> connectors.forEach(factory::addAdditionalTomcatConnectors);
    }

    /** The listeners' server certificates go into the inventory, as every certificate the CAs sign does. */
    @EventListener(ApplicationReadyEvent.class)
    void recordServerCertificates(ApplicationReadyEvent ready) {
        CertificateInventory inventory = ready.getApplicationContext().getBean(CertificateInventory.class);
        Instant now = Instant.now();
        serverCertificates.forEach((environment, certificate) -> {
            String serial = SerialNumbers.hex(certificate.getSerialNumber());
            inventory.recordServerCertificate(new IssuedCertificate(serial, environment,
                    "SRV-" + serial.substring(0, Math.min(16, serial.length())), CertificateInventory.SERVER_ORGANIZATION,
                    certificate.getSubjectX500Principal().getName(), Fingerprints.sha256Hex(certificate.getPublicKey().getEncoded()),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                    IssuedCertificate.Status.ACTIVE, Pem.encode(certificate), now, null, null),
                    ready.getApplicationContext().getBean(CertificateAuthorities.class).signerOf(environment, certificate)
                            .map(CertificateAuthority::generation).orElse(1));
        });
        serverCertificates.clear();
        listeners.forEach((environment, connector) -> log.info("EST for environment '{}' on https://{}:{}{}{}/",
                environment, properties(ready).mtls().hostNames().get(0), connector.getLocalPort(), PREFIX, environment));
    }

    private static CertdeskProperties properties(ApplicationReadyEvent ready) {
        return ready.getApplicationContext().getBean(CertdeskProperties.class);
    }

    /** The environment whose EST listener took the request, or null for any other listener. */
    String environmentAt(int localPort) {
        for (Map.Entry<String, Connector> listener : listeners.entrySet()) {
            if (listener.getValue().getLocalPort() == localPort) {
                return listener.getKey();
            }
        }
        return null;
    }

    /** The port of an environment's EST listener (after start), or -1. */
    public int port(String environment) {
        Connector connector = listeners.get(environment);
        return connector == null ? -1 : connector.getLocalPort();
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> estEndpoint(EstService est) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String environment = environmentAt(request.getLocalPort());
                String path = request.getRequestURI();
                if (environment == null) {
                    if (path.startsWith(PREFIX)) {
                        write(response, EstAnswer.text(404, "EST is served over HTTPS on its own listeners: "
                                + String.join(", ", listeners.keySet().stream().map(env -> env + " on port " + port(env)).toList()) + "."));
                        return;
                    }
                    chain.doFilter(request, response);
                    return;
                }
                write(response, handle(est, environment, request));
            }
        });
        // before every other filter: an EST listener's request never reaches the rest of certdesk
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    private EstAnswer handle(EstService est, String environment, HttpServletRequest request) throws IOException {
        Matcher operation = OPERATION.matcher(request.getRequestURI());
        if (!operation.matches()) {
            return EstAnswer.text(404, "This listener serves EST for " + environment + " only: " + PREFIX + environment
                    + "/cacerts, /simplereenroll, /simpleenroll, /csrattrs.");
        }
        if (operation.group(1) != null && !operation.group(1).equals(environment)) {
            return EstAnswer.text(404, "This listener serves EST for " + environment + ", not for "
                    + operation.group(1).replaceAll("[^A-Za-z0-9._-]", "?") + ": use " + PREFIX + environment + "/...");
        }
        String name = operation.group(2);
        boolean enrollment = name.endsWith("enroll");
        if (!request.getMethod().equals(enrollment ? "POST" : "GET")) {
            return EstAnswer.text(405, name + " takes " + (enrollment ? "POST" : "GET") + ".")
                    .withHeader("Allow", enrollment ? "POST" : "GET");
        }
        if (!enrollment) {
            return name.equals("cacerts") ? est.caCertificates(environment) : est.csrAttributes();
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            return EstAnswer.text(413, "CSR_UNREADABLE: a CSR is never larger than " + MAX_BODY + " bytes.");
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return EstAnswer.text(413, "CSR_UNREADABLE: a CSR is never larger than " + MAX_BODY + " bytes.");
        }
        X509Certificate[] chain = request.getAttribute(CLIENT_CERTIFICATES) instanceof X509Certificate[] presented ? presented : null;
        try {
            return est.enroll(environment, name, chain, request.getContentType(), body);
        } catch (RuntimeException | StackOverflowError e) {
            // a CSR nested deeply enough to overflow the parser's stack is answered like any other failure
            log.error("EST {} for {} failed: {}", name, environment, e instanceof StackOverflowError ? "CSR nested too deeply" : e.toString(),
                    e instanceof StackOverflowError ? null : e);
            return EstAnswer.text(503, "certdesk could not complete the request; nothing was issued. Send the same CSR again later.")
                    .withHeader("Retry-After", "60");
        }
    }

    private static void write(HttpServletResponse response, EstAnswer answer) throws IOException {
        response.setStatus(answer.status());
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        answer.headers().forEach(response::setHeader);
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }

    private static Connector connector(String environment, int port, CertificateAuthorities authorities, List<String> hostNames,
                                       Map<String, X509Certificate> issued) {
        return ClientCertificateConnectors.connector("EST", environment, port, authorities, hostNames, issued,
                EstTrustManager.class.getName(), ssl -> {
                    ssl.setProtocols("TLSv1.2+TLSv1.3");
                    // asked for, not required: a missing or unknown certificate gets an HTTP answer that says why
                    ssl.setCertificateVerification("optional");
                }, protocol -> {
                    // a machine protocol with small bodies: slow or idle connections are closed quickly, and the
                    // listener's threads stay below the database pool, so EST cannot starve the rest of certdesk
                    protocol.setConnectionTimeout(10_000);
                    protocol.setKeepAliveTimeout(10_000);
                    protocol.setMaxKeepAliveRequests(20);
                    protocol.setMaxThreads(8);
                    protocol.setMaxConnections(256);
                });
    }
}
