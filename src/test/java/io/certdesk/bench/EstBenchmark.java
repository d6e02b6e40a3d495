package io.certdesk.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import com.sun.management.OperatingSystemMXBean;
import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.est.EstEndpointConfiguration;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.camunda.bpm.engine.HistoryService;

/**
 * Automatic EST re-enrollment as a machine path: N clients, each holding a certdesk certificate of the qa CA
 * (EC P-384), re-enroll with a new key over their own TLS connection (full handshake with the client certificate,
 * authentication, policy, the estEnrollment process, signing, database), two client threads, against cfssl's
 * {@code /api/v1/cfssl/sign} for the same CA key type. The contacts' mails are sent afterwards by the job executor;
 * how long that backlog takes is printed apart. Run with {@code mvn -Pbench verify}.
 */
public final class EstBenchmark {

    private static final int CLIENT_THREADS = 2;

    private EstBenchmark() {
    }

    /** One client: its TLS context (current certificate and key) and its new CSR, base64 as EST sends it. */
    private record Client(SSLContext tls, byte[] body) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmUp = Integer.getInteger("bench.warm-up", 500);
        Path data = Files.createTempDirectory("certdesk-est-bench");
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(data, Ports.free(), Ports.free());
        p.put("certdesk.environments.qa.ca-key-type", CaKeyType.EC_P384.name());
        p.put("certdesk.intake.enabled", false);
        // every fresh certificate is inside the window: each re-enrollment takes the automatic path
        p.put("certdesk.est.renewal-window", "400d");
        p.put("camunda.bpm.process-engine-name", "estbench" + UUID.randomUUID().toString().substring(0, 6));
        p.put("logging.level.root", "WARN");
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("camunda.") || k.startsWith("certdesk.") || k.startsWith("spring."))
                .forEach(k -> p.put(k, System.getProperty(k)));
        double rate;
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(p)) {
            int port = certdesk.bean(EstEndpointConfiguration.class).port("qa");
            List<Client> warm = clients(certdesk, "est-warm-", warmUp);
            List<Client> measured = clients(certdesk, "est-bench-", n);
            if (!warm.isEmpty()) {
                System.out.printf(Locale.ROOT, "EST warm-up round of %,d re-enrollments (not counted): %.0f/s%n", warm.size(),
                        round(port, warm));
            }
            awaitMails(certdesk, warm.size());
            long cpu = cpuNanos();
            long mailsStart = System.nanoTime();
            PipelineBenchmark.Leg leg = PipelineBenchmark.Leg.start();
            rate = round(port, measured);
            double cpuMs = (cpuNanos() - cpu) / 1e6 / n;
            leg.printBreakdown("EST re-enrollment", n);
            System.out.printf(Locale.ROOT, "EST re-enrollment, automatic (TLS handshake, authentication, policy, workflow, database), "
                    + "EC P-384 CA, %d client threads: %.0f re-enrollments/s, %.1f ms CPU each (this JVM, clients included)%n",
                    CLIENT_THREADS, rate, cpuMs);
            awaitMails(certdesk, warm.size() + n);
            System.out.printf(Locale.ROOT, "EST: the %,d contacts' mails were all sent %.1f s after the round began%n", n,
                    (System.nanoTime() - mailsStart) / 1e9);
        }
        if (PipelineBenchmark.cfsslInstalled()) {
            List<byte[]> csrs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                csrs.add(TestCsrs.pem(TestCsrs.csr("C=NL,O=Bench BV,CN=bench-" + i, TestCsrs.p384())).getBytes());
            }
            double cfssl = PipelineBenchmark.cfssl(CaKeyType.EC_P384, n, csrs);
            System.out.printf(Locale.ROOT, "EST re-enrollments against cfssl's sign rate, EC P-384 CA: %.2f%n", rate / cfssl);
        }
        // the embedded mail server leaves non-daemon threads behind
        System.exit(0);
    }

    /** Each client's current certificate, issued and recorded as the mail path would, and its next CSR. */
    private static List<Client> clients(StandaloneCertdesk certdesk, String prefix, int count) throws Exception {
        CertificateAuthority ca = certdesk.bean(CertificateAuthorities.class).get("qa");
        var profile = certdesk.bean(CertificateAuthorities.class).profile("qa");
        CertificateInventory inventory = certdesk.bean(CertificateInventory.class);
        Organizations organizations = certdesk.bean(Organizations.class);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca.certificate());
        trust.init(trusted);
        ClientCertificateIssuer issuer = new ClientCertificateIssuer();
        List<Client> clients = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            String organization = prefix + i;
            KeyPair current = TestCsrs.ec("secp384r1");
            PKCS10CertificationRequest first = TestCsrs.csr("C=NL,O=Bench BV,OU=API Client,CN=" + organization, current);
            CertificateSubject subject = CertificateSubject.of(first.getSubject());
            X509Certificate certificate = issuer.issue(ca, profile, subject, first.getSubjectPublicKeyInfo(), SerialNumbers.next(), now);
            organizations.ensure(organization, "Bench BV", now);
            organizations.addContact(organization, organization + "@bench.test", null, Organizations.TECHNICAL, now);
            inventory.record(new IssuedCertificate(SerialNumbers.hex(certificate.getSerialNumber()), "qa", "B-" + UUID.randomUUID()
                    .toString().substring(0, 17), organization, subject.text(), Fingerprints.sha256Hex(certificate.getPublicKey().getEncoded()),
                    certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), IssuedCertificate.Status.ACTIVE,
                    Pem.encode(certificate), now, null, null));
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("client", current.getPrivate(), "x".toCharArray(), new Certificate[]{certificate});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, "x".toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            byte[] next = TestCsrs.csr("C=NL,O=Bench BV,OU=API Client,CN=" + organization, TestCsrs.ec("secp384r1")).getEncoded();
            clients.add(new Client(tls, Base64.getEncoder().encode(next)));
        }
        return clients;
    }

    /** Every client re-enrolls once over a connection of its own; re-enrollments per second. */
    private static double round(int port, List<Client> clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < CLIENT_THREADS; t++) {
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < clients.size()) {
                    try {
                        if (reenroll(port, clients.get(i)) != 200) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        double rate = clients.size() / ((System.nanoTime() - start) / 1e9);
        if (failed.get() > 0) {
            System.out.printf(Locale.ROOT, "EST: %d of %d re-enrollments did not get 200%n", failed.get(), clients.size());
        }
        return rate;
    }

    private static int reenroll(int port, Client client) throws Exception {
        try (SSLSocket socket = (SSLSocket) client.tls().getSocketFactory().createSocket("127.0.0.1", port)) {
            // as curl and strongSwan's pki do: no Nagle delay, and the request in one write (headers and body in two
            // small writes would wait for the server's delayed ACK, 40 ms, on every request)
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            byte[] head = ("POST /.well-known/est/qa/simplereenroll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs10\r\n"
                    + "Content-Length: " + client.body().length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + client.body().length);
            System.arraycopy(client.body(), 0, request, head.length, client.body().length);
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    private static void awaitMails(StandaloneCertdesk certdesk, int count) throws InterruptedException {
        var history = certdesk.bean(HistoryService.class);
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (history.createHistoricActivityInstanceQuery().activityId("EndEvent_CertificateIssued").count() < count
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
