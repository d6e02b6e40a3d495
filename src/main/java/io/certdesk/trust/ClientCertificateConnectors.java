package io.certdesk.trust;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.ServerCertificates;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

/**
 * The HTTPS listeners that ask clients for a certificate (the mTLS test endpoints and EST): each serves a server
 * certificate the environment's CA issues at start-up, kept in memory under a random password, and judges client
 * certificates with its own trust manager. What differs between them (TLS versions, whether a certificate is
 * required, timeouts) each says in {@code tls} and {@code limits}.
 */
public final class ClientCertificateConnectors {

    private ClientCertificateConnectors() {
    }

    /**
     * An HTTPS connector on {@code port} for {@code environment}, with a fresh server certificate for
     * {@code hostNames} and 127.0.0.1, recorded in {@code issued}; {@code what} names the listener in errors.
     */
    public static Connector connector(String what, String environment, int port, CertificateAuthorities authorities,
                                      List<String> hostNames, Map<String, X509Certificate> issued, String trustManagerClass,
                                      Consumer<SSLHostConfig> tls, Consumer<Http11NioProtocol> limits) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        KeyStore keyStore = ServerCertificates.issue(authorities.get(environment), hostNames, List.of("127.0.0.1"), password.toCharArray());
        try {
            issued.put(environment, (X509Certificate) keyStore.getCertificate("server"));
        } catch (KeyStoreException e) {
            throw new IllegalStateException("the " + what + " server certificate for " + environment + " cannot be read back", e);
        }
        Connector connector = new Connector(Http11NioProtocol.class.getName());
        connector.setPort(port);
        connector.setScheme("https");
        connector.setSecure(true);
        Http11NioProtocol protocol = (Http11NioProtocol) connector.getProtocolHandler();
        protocol.setSSLEnabled(true);
        limits.accept(protocol);
        ThreadPoolExecutor workers = workers(what + "-" + environment, protocol.getMaxThreads(), protocol.getMinSpareThreads());
        protocol.setExecutor(workers);
        // Tomcat stops only the pools it made itself: this one stops with its connector, letting requests finish
        connector.addLifecycleListener(event -> {
            if (Lifecycle.AFTER_STOP_EVENT.equals(event.getType())) {
                workers.shutdown();
                try {
                    workers.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setHostName("_default_");
        tls.accept(ssl);
        ssl.setTrustManagerClassName(trustManagerClass);
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateKeystore(keyStore);
        certificate.setCertificateKeystorePassword(password);
        certificate.setCertificateKeyAlias("server");
        ssl.addCertificate(certificate);
        protocol.addSslHostConfig(ssl);
        return connector;
    }

    /**
     * The stack of a listener's threads. They parse each client's certificates during the handshake, before anyone is
     * authenticated, and the JDK's parser recurses once per ASN.1 level: a Certificate message of up to 32 KB
     * ({@code jdk.tls.maxHandshakeMessageSize}) nested 16,000 levels deep overflows the default 1 MB stack, and Tomcat,
     * which lets a stack overflow through, never closes that connection. 16 MB holds any handshake message; the
     * memory is reserved, and used only as deep as a thread goes.
     */
    static final long WORKER_STACK_BYTES = 16L * 1024 * 1024;

    /**
     * Tomcat's own kind of pool and queue (threads made on demand up to {@code maxThreads}, idle ones above
     * {@code minSpare} ended after a minute), with threads of that stack.
     */
    private static ThreadPoolExecutor workers(String name, int maxThreads, int minSpare) {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(null, task, name + "-exec-" + made.incrementAndGet(), WORKER_STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        };
        TaskQueue queue = new TaskQueue();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(Math.max(1, Math.min(minSpare, maxThreads)), maxThreads, 60, TimeUnit.SECONDS, queue,
                threads);
        queue.setParent(pool);
        return pool;
    }
}
