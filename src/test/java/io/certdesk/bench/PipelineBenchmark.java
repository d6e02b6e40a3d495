package io.certdesk.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.management.OperatingSystemMXBean;
import io.certdesk.authority.CaKeyType;
import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.IssuanceProfile;
import io.certdesk.authority.Pkcs11Authority;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.intake.SupportInboxPoller;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.Ports;
import io.certdesk.support.SoftHsm;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.task.Task;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The workflow legs end to end, in one process run: intake (N CSR mails waiting in the support inbox become N
 * processes waiting for approval), issuance (N approvals become N certificates signed, stored and mailed), on H2
 * and PostgreSQL, against the raw BouncyCastle sign rate and against cfssl's {@code /api/v1/cfssl/sign} on the
 * same machine. Run with {@code mvn -Pbench verify}.
 */
public final class PipelineBenchmark {

    static final int APPROVERS = 4;
    static final int WARM_UP = Integer.getInteger("bench.warm-up", 500);
    private static final List<byte[]> WARM_UP_CSRS = new ArrayList<>();

    /** Issuance certificates/s of the H2 runs by CA key type, for the ratio to cfssl. */
    private static final Map<CaKeyType, Double> H2_ISSUANCE = new EnumMap<>(CaKeyType.class);

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        List<byte[]> csrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            csrs.add(TestCsrs.pem(TestCsrs.csr("C=NL,O=Bench BV,CN=bench-" + i, TestCsrs.p384())).getBytes());
        }
        // each run first takes a warm-up round of other organizations' requests through the same node, not counted:
        // a node that has run for a while, with its classes loaded and its hot code compiled
        for (int i = 0; i < Math.min(n, WARM_UP); i++) {
            WARM_UP_CSRS.add(TestCsrs.pem(TestCsrs.csr("C=NL,O=Bench BV,CN=warm-" + i, TestCsrs.p384())).getBytes());
        }
        run("H2 file", CaKeyType.EC_P384, n, csrs, null);
        if (args.length > 1 && args[1].equals("h2")) {
            // the first leg alone, e.g. under a profiler
            System.exit(0);
        }
        tokenRun(n, csrs);
        MailLatencyBenchmark.run(30);
        if (args.length > 1 && args[1].equals("quick")) {
            System.exit(0);
        }
        run("H2 file", CaKeyType.RSA_4096, n, csrs, null);
        String pg = System.getenv().getOrDefault("CERTDESK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String database = "certdesk_pipeline_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(pg, "postgres", ""); Statement s = admin.createStatement()) {
            s.execute("create database " + database);
        } catch (SQLException unreachable) {
            System.out.println("PostgreSQL pipeline skipped: " + unreachable.getMessage());
            database = null;
        }
        if (database != null) {
            try {
                run("PostgreSQL", CaKeyType.EC_P384, n, csrs, pg.substring(0, pg.lastIndexOf('/') + 1) + database);
            } finally {
                try (Connection admin = DriverManager.getConnection(pg, "postgres", ""); Statement s = admin.createStatement()) {
                    s.execute("drop database if exists " + database + " with (force)");
                }
            }
        }
        if (cfsslInstalled()) {
            for (CaKeyType type : CaKeyType.values()) {
                cfssl(type, n, csrs);
            }
        }
        // the embedded mail server leaves non-daemon threads behind
        System.exit(0);
    }

    /** The same pipeline with the qa CA's EC P-384 key in a PKCS#11 token (SoftHSM2), when it is installed. */
    private static void tokenRun(int n, List<byte[]> csrs) throws Exception {
        if (!SoftHsm.available()) {
            System.out.println("H2 file, qa CA EC_P384 in SoftHSM2: skipped, SoftHSM2 or SOFTHSM2_CONF missing");
            return;
        }
        SoftHsm.tokens(Map.of("bench-pipeline", "1111"));
        var token = SoftHsm.settings("bench-pipeline", "qa-ca");
        Pkcs11Authority.createCa("qa", token, CaKeyType.EC_P384, "CN=Bench token QA CA,O=certdesk,C=NL",
                Duration.ofDays(3650));
        Map<String, Object> inToken = new LinkedHashMap<>();
        inToken.put("certdesk.environments.qa.pkcs11.library", SoftHsm.MODULE);
        inToken.put("certdesk.environments.qa.pkcs11.token-label", "bench-pipeline");
        inToken.put("certdesk.environments.qa.pkcs11.key-label", "qa-ca");
        inToken.put("certdesk.environments.qa.pkcs11.pin", token.pin());
        run("H2 file, CA key in SoftHSM2", CaKeyType.EC_P384, n, csrs, null, inToken);
    }

    private static void run(String label, CaKeyType caType, int n, List<byte[]> csrs, String jdbcUrl) throws Exception {
        run(label, caType, n, csrs, jdbcUrl, Map.of());
    }

    private static void run(String label, CaKeyType caType, int n, List<byte[]> csrs, String jdbcUrl, Map<String, Object> extra)
            throws Exception {
        Path data = Files.createTempDirectory("certdesk-bench");
        int smtp = Ports.free();
        int imap = Ports.free();
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        p.put("certdesk.environments.qa.ca-key-type", caType.name());
        p.put("certdesk.intake.poll-interval", "100ms");
        p.put("certdesk.intake.max-mails-per-poll", 200);
        p.put("camunda.bpm.process-engine-name", "bench-" + UUID.randomUUID().toString().substring(0, 6));
        p.put("logging.level.root", "WARN");
        p.putAll(extra);
        // -Dcamunda.bpm.job-execution.core-pool-size=4 and the like, to try settings without a rebuild
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("camunda.") || k.startsWith("certdesk.") || k.startsWith("spring."))
                .forEach(k -> p.put(k, System.getProperty(k)));
        // -Dcertdesk.environments.qa.ca-key-type=RSA_4096 picks the CA of a quick run; the figures name the one used
        caType = CaKeyType.valueOf(p.get("certdesk.environments.qa.ca-key-type").toString());
        if (jdbcUrl != null) {
            p.put("spring.datasource.url", jdbcUrl);
            p.put("spring.datasource.username", "postgres");
            p.put("spring.datasource.password", "");
        }
        long start = System.nanoTime();
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(p)) {
            double startup = (System.nanoTime() - start) / 1e9;
            var jobExecutor = ((ProcessEngineConfigurationImpl) certdesk.bean(ProcessEngine.class)
                    .getProcessEngineConfiguration()).getJobExecutor();
            System.out.printf(Locale.ROOT, "%s: job executor takes %d jobs per acquisition, waits %d ms when idle%n", label,
                    jobExecutor.getMaxJobsPerAcquisition(), jobExecutor.getWaitTimeInMillis());
            boolean statistics = jdbcUrl == null && Boolean.getBoolean("bench.sql-statistics");
            if (!WARM_UP_CSRS.isEmpty()) {
                Round warm = round(certdesk, smtp, imap, label + " warm-up", "warm-", WARM_UP_CSRS, 0, false);
                System.out.printf(Locale.ROOT, "%s, qa CA %s: warm-up round of %,d requests (not counted): intake %.0f mails/s, "
                        + "issuance %.0f certificates/s%n", label, caType, WARM_UP_CSRS.size(), warm.intake(), warm.issuance());
            }
            Round measured = round(certdesk, smtp, imap, label, "bench-", csrs.subList(0, n), WARM_UP_CSRS.size(), statistics);
            double intake = measured.intake();
            double issuance = measured.issuance();
            double raw = rawSignRate(certdesk.bean(CertificateAuthorities.class).get("qa"));
            if (jdbcUrl == null && extra.isEmpty()) {
                H2_ISSUANCE.put(caType, issuance);
            }
            System.out.printf(Locale.ROOT, "%s, qa CA %s: start-up %.1f s; intake %,d mails -> waiting for approval: %.0f mails/s, "
                            + "%.1f ms CPU per mail; heap with %,d requests waiting: %d MB%n", label, caType, startup, n, intake,
                    measured.intakeCpuMs(), n, measured.heapMb());
            System.out.printf(Locale.ROOT, "%s, qa CA %s: issuance %,d approvals -> signed, stored, mailed: %.0f certificates/s, "
                    + "%.1f ms CPU per certificate (%.0f%% of the raw sign rate %.0f/s); %d approvers made the %,d decisions in %.1f s%n",
                    label, caType, n, issuance, measured.issuanceCpuMs(), 100 * issuance / raw, raw, APPROVERS, n, measured.decisions());
            publicEndpoints(certdesk, label, caType);
        }
    }

    /** What one round measured: rates, this JVM's CPU per request, heap with the round's requests waiting. */
    record Round(double intake, double intakeCpuMs, long heapMb, double issuance, double issuanceCpuMs, double decisions) {
    }

    /**
     * One round through a running certdesk: the CSR mails wait in the inbox while the poller is stopped, then intake
     * until each waits for approval, then the approvers decide and issuance runs until each certificate is mailed.
     */
    private static Round round(StandaloneCertdesk certdesk, int smtp, int imap, String label, String organizationPrefix,
                               List<byte[]> csrs, int deliveredBefore, boolean statistics) throws Exception {
        int n = csrs.size();
        SupportInboxPoller poller = certdesk.bean(SupportInboxPoller.class);
        poller.stop();
        new Mailbox("127.0.0.1", smtp, imap).sendMany(n, "bench.test",
                i -> "Organization ID: " + organizationPrefix + i + "\nCompany: Bench BV\nEnvironment: qa\n", csrs::get);
        TaskService tasks = certdesk.bean(TaskService.class);
        HistoryService history = certdesk.bean(HistoryService.class);
        var jdbc = certdesk.bean(JdbcClient.class);
        if (statistics) {
            jdbc.sql("set query_statistics_max_entries 1000").update();
            jdbc.sql("set query_statistics true").update();
        }
        TransactionOrigins.reset();
        Leg intakeLeg = Leg.start();
        poller.start();
        while (tasks.createTaskQuery().taskDefinitionKey("UserTask_ApproveRequest").count() < n) {
            Thread.sleep(50);
        }
        double intake = n / intakeLeg.seconds();
        double intakeCpuMs = intakeLeg.cpuMsPer(n);
        intakeLeg.printBreakdown(label + " intake", n);
        TransactionOrigins.print("intake", n);
        if (statistics) {
            printStatements(jdbc, "intake");
            jdbc.sql("set query_statistics false").update();
            jdbc.sql("set query_statistics true").update();
        }
        System.gc();
        Thread.sleep(500);
        System.gc();
        long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
        List<Task> approvals = tasks.createTaskQuery().taskDefinitionKey("UserTask_ApproveRequest").list();
        TransactionOrigins.reset();
        Leg issueLeg = Leg.start();
        // approvers decide side by side, as a team in the Tasklist does
        ExecutorService approvers = Executors.newFixedThreadPool(APPROVERS, r -> new Thread(r, "approver-" + r.hashCode()));
        for (Task task : approvals) {
            approvers.submit(() -> Approvals.complete(certdesk, "approver", task.getId(), Map.of("approved", true)));
        }
        approvers.shutdown();
        approvers.awaitTermination(10, TimeUnit.MINUTES);
        double decisions = issueLeg.seconds();
        while (history.createHistoricActivityInstanceQuery().activityId("EndEvent_CertificateDelivered").count() < deliveredBefore + n) {
            Thread.sleep(50);
        }
        double issuance = n / issueLeg.seconds();
        double issuanceCpuMs = issueLeg.cpuMsPer(n);
        issueLeg.printBreakdown(label + " issuance", n);
        TransactionOrigins.print("issuance", n);
        if (statistics) {
            printStatements(jdbc, "issuance");
        }
        return new Round(intake, intakeCpuMs, heapMb, issuance, issuanceCpuMs, decisions);
    }

    /**
     * CPU time of this JVM (certdesk, its embedded mail server and the benchmark's own polling): steadier from run to
     * run than rates on a shared machine, so it is what to compare when trying a change. PostgreSQL's CPU is not in it.
     */
    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A leg's start: wall clock, this JVM's CPU time and each thread pool's CPU time. */
    record Leg(long startNanos, long startCpu, Snapshot threads) {

        static Leg start() {
            return new Leg(System.nanoTime(), cpuNanos(), threadCpu());
        }

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        double cpuMsPer(int requests) {
            return (cpuNanos() - startCpu) / 1e6 / requests;
        }

        void printBreakdown(String leg, int requests) {
            printCpuBreakdown(leg, threads, cpuNanos() - startCpu, requests);
        }
    }

    /** CPU time so far of each live thread pool (thread names without their numbers), and the JVM's own counters. */
    record Snapshot(Map<String, Long> threadNanos, long gcMillis, long jitMillis, long classesLoaded) {
    }

    private static Snapshot threadCpu() {
        var threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byPool = new TreeMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            long cpu = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                byPool.merge(info.getThreadName().replaceAll("[0-9]+", "N").replaceAll("\\[.*]", ""), cpu, Long::sum);
            }
        }
        long gcMillis = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Snapshot(byPool, gcMillis, ManagementFactory.getCompilationMXBean().getTotalCompilationTime(),
                ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
    }

    /**
     * -Dbench.cpu-breakdown=true: per request, the CPU each thread pool spent in a leg, and what the rest is: threads
     * that ended in the leg (the approvers), GC and the JIT compiler. On two cores the compiler stays busy for minutes
     * after start, which is why each run begins with a warm-up round.
     */
    private static void printCpuBreakdown(String leg, Snapshot before, long processNanos, int n) {
        if (!Boolean.getBoolean("bench.cpu-breakdown")) {
            return;
        }
        Snapshot after = threadCpu();
        StringBuilder line = new StringBuilder(leg + ", ms CPU per request:");
        long threads = 0;
        List<Map.Entry<String, Long>> spent = new ArrayList<>();
        for (var e : after.threadNanos().entrySet()) {
            long delta = e.getValue() - before.threadNanos().getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                spent.add(Map.entry(e.getKey(), delta));
                threads += delta;
            }
        }
        spent.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (var e : spent.subList(0, Math.min(6, spent.size()))) {
            line.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() / 1e6 / n));
        }
        line.append(String.format(Locale.ROOT, " the rest (ended threads, GC, JIT, VM) %.2f. In the leg: JIT compiling %.1f s, "
                        + "GC pauses %.1f s, %d classes loaded", (processNanos - threads) / 1e6 / n,
                (after.jitMillis() - before.jitMillis()) / 1e3, (after.gcMillis() - before.gcMillis()) / 1e3,
                after.classesLoaded() - before.classesLoaded()));
        System.out.println(line);
    }

    /** -Dbench.sql-statistics=true: the statements a leg ran on H2, costliest first. */
    private static void printStatements(JdbcClient jdbc, String leg) {
        System.out.println("H2 statements of the " + leg + " leg (count, total time, statement):");
        jdbc.sql("select execution_count, cumulative_execution_time, sql_statement from information_schema.query_statistics "
                + "order by cumulative_execution_time desc limit 30").query((rs, row) -> String.format(Locale.ROOT,
                "  %6d x %8.0f ms  %s", rs.getLong(1), rs.getDouble(2), rs.getString(3).replaceAll("\\s+", " ")))
                .list().forEach(line -> System.out.println(line.length() > 200 ? line.substring(0, 200) : line));
    }

    /** The validator and the OCSP responder over HTTP, two client threads for three seconds each. */
    private static void publicEndpoints(StandaloneCertdesk certdesk, String label, CaKeyType caType) throws Exception {
        String base = "http://127.0.0.1:" + certdesk.bean(Environment.class).getProperty("local.server.port");
        String pem = certdesk.bean(JdbcClient.class)
                .sql("select certificate_pem from issued_certificate where environment = 'qa' and purpose = 'CLIENT'").query(String.class).list().get(0);
        var factory = CertificateFactory.getInstance("X.509");
        var certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem.getBytes()));
        var ca = certdesk.bean(CertificateAuthorities.class).get("qa").certificate();
        var id = new CertificateID(new JcaDigestCalculatorProviderBuilder()
                .build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(ca), certificate.getSerialNumber());
        byte[] ocsp = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        Supplier<byte[]> withNonce = () -> {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            try {
                return new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(
                        new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                                new DEROctetString(new DEROctetString(nonce).getEncoded()))))
                        .build().getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        HttpClient http = HttpClient.newHttpClient();
        double validator = httpRate(http, () -> HttpRequest.newBuilder(URI.create(base + "/pki/qa/validate"))
                .POST(HttpRequest.BodyPublishers.ofString(pem)).build());
        double responder = httpRate(http, () -> HttpRequest.newBuilder(URI.create(base + "/pki/qa/ocsp"))
                .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(ocsp)).build());
        double responderNonce = httpRate(http, () -> HttpRequest.newBuilder(URI.create(base + "/pki/qa/ocsp"))
                .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(withNonce.get())).build());
        System.out.printf(Locale.ROOT, "%s, qa CA %s: validator %.0f requests/s; OCSP responder %.0f requests/s without nonce "
                        + "(answer reused), %.0f requests/s with a nonce (signed each time) (HTTP, 2 client threads)%n",
                label, caType, validator, responder, responderNonce);
    }

    private static double httpRate(HttpClient http, Supplier<HttpRequest> request) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        AtomicInteger ok = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            running.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    if (http.send(request.get(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        ok.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        clients.shutdown();
        return ok.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double rawSignRate(CertificateAuthority ca) {
        PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=Bench BV,CN=raw", TestCsrs.p384());
        IssuanceProfile profile = new IssuanceProfile(Duration.ofDays(365), Duration.ofMinutes(5), "http://x/crl", "http://x/ocsp");
        ClientCertificateIssuer issuer = new ClientCertificateIssuer();
        CertificateSubject subject = CertificateSubject.of(csr.getSubject());
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int count = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            issuer.issue(ca, profile, subject, csr.getSubjectPublicKeyInfo(), SerialNumbers.next(), Instant.now());
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** Whether cfssl is here to compare with (.ci/bench-tools installs Debian's golang-cfssl before the benchmarks). */
    static boolean cfsslInstalled() {
        Path here = Path.of(".");
        if (!Openssl.available()) {
            System.out.println("cfssl comparison skipped: openssl, which makes its CA, is not installed");
            return false;
        }
        if (Openssl.run(here, "command -v cfssl").exitCode() == 0) {
            return true;
        }
        System.out.println("cfssl comparison skipped: cfssl is not installed (as root: apt-get install golang-cfssl, or run .ci/bench-tools)");
        return false;
    }

    /** cfssl serve with the same CA key type, its /api/v1/cfssl/sign over HTTP from two client threads: certificates/s. */
    static double cfssl(CaKeyType type, int n, List<byte[]> csrs) throws Exception {
        Path dir = Files.createTempDirectory("cfssl-bench");
        String key = type == CaKeyType.RSA_4096 ? "-newkey rsa:4096" : "-newkey ec -pkeyopt ec_paramgen_curve:P-384";
        Openssl.ok(dir, "openssl req -x509 " + key + " -sha256 -days 30 -nodes -keyout ca-key.pem -out ca.pem -subj '/CN=cfssl bench CA' "
                + "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        Files.writeString(dir.resolve("config.json"), "{\"signing\":{\"default\":{\"expiry\":\"8760h\",\"usages\":[\"digital signature\",\"client auth\"]}}}");
        int port = Ports.free();
        Process serve = new ProcessBuilder("cfssl", "serve", "-address", "127.0.0.1", "-port", String.valueOf(port), "-ca", "ca.pem",
                "-ca-key", "ca-key.pem", "-config", "config.json").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI sign = URI.create("http://127.0.0.1:" + port + "/api/v1/cfssl/sign");
            for (int wait = 0; wait < 100; wait++) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/cfssl/info"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                    break;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            List<String> bodies = new ArrayList<>();
            for (byte[] csr : csrs) {
                bodies.add("{\"certificate_request\":\"" + new String(csr).replace("\n", "\\n") + "\"}");
            }
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(sign)
                                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
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
            double rate = n / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "cfssl 1.x serve, %s CA, /api/v1/cfssl/sign from 2 client threads: %.0f certificates/s (%d failed)%n",
                    type, rate, failed.get());
            if (H2_ISSUANCE.containsKey(type)) {
                System.out.printf(Locale.ROOT, "certdesk issuance (H2, workflow, database and mail) against cfssl, %s CA: %.2f%n",
                        type, H2_ISSUANCE.get(type) / rate);
            }
            return rate;
        } finally {
            serve.destroy();
        }
    }
}
