package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.revocation.RevocationService;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Polling;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two certdesk nodes on one PostgreSQL database and one mailbox: a few hundred requests go through both, and
 * every count comes out exact (one process, one certificate and two mails per request, nothing twice), and a key
 * compromise on one node is not outrun by a signing of the same key on the other.
 */
class ClusterIT {

    static final int REQUESTS = 200;

    @TempDir
    Path data;
    TestPostgres database;
    GreenMail mail;

    @BeforeEach
    void setUp() throws SQLException {
        database = TestPostgres.create("certdesk_cluster", "the cluster test");
        mail = new GreenMail(new ServerSetup[]{new ServerSetup(Ports.free(), "127.0.0.1", "smtp"),
                new ServerSetup(Ports.free(), "127.0.0.1", "imap")})
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
    }

    @AfterEach
    void tearDown() throws SQLException {
        if (mail != null) {
            mail.stop();
        }
        if (database != null) {
            database.close();
        }
    }

    private Map<String, Object> node(String name) {
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(data, 0, 0);
        p.put("camunda.bpm.process-engine-name", name);
        database.configure(p);
        p.put("certdesk.embedded-mail.enabled", false);
        p.put("spring.mail.port", mail.getSmtp().getPort());
        p.put("certdesk.intake.port", mail.getImap().getPort());
        p.put("certdesk.intake.max-mails-per-poll", 20);
        p.put("camunda.bpm.job-execution.max-jobs-per-acquisition", 10);
        return p;
    }

    @Test
    void twoNodesShareTheWorkAndDoNothingTwice() throws Exception {
        Mailbox mailbox = new Mailbox("127.0.0.1", mail.getSmtp().getPort(), mail.getImap().getPort());
        try (StandaloneCertdesk one = StandaloneCertdesk.start(node("node-one"));
             StandaloneCertdesk two = StandaloneCertdesk.start(node("node-two"))) {
            byte[][] csrs = new byte[REQUESTS][];
            for (int i = 0; i < REQUESTS; i++) {
                csrs[i] = TestCsrs.pem(TestCsrs.csr("C=NL,O=Cluster BV,CN=cl-" + i, TestCsrs.p384())).getBytes();
            }
            long start = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                mailbox.send(Mailbox.from("client-" + i + "@cluster.test").body("Organization ID: cl-" + i + "\nCompany: Cluster BV\nEnvironment: qa\n")
                        .attach("client.csr", csrs[i]));
            }
            TaskService tasks = one.bean(TaskService.class);
            List<Task> approvals = List.of();
            for (int wait = 0; wait < 1200 && approvals.size() < REQUESTS; wait++) {
                Thread.sleep(100);
                approvals = tasks.createTaskQuery().taskDefinitionKey("UserTask_ApproveRequest").list();
            }
            if (approvals.size() < REQUESTS) {
                JdbcClient debug = one.bean(JdbcClient.class);
                System.out.println("cluster diagnostics: intake " + debug.sql("select outcome, count(*) from intake_mail group by outcome").query().listOfRows());
                System.out.println("cluster diagnostics: requests " + debug.sql("select status, count(*) from certificate_request group by status").query().listOfRows());
                System.out.println("cluster diagnostics: inbox " + mailbox.read(Mailbox.SUPPORT, "INBOX").size() + " processed " + mailbox.read(Mailbox.SUPPORT, "Processed").size()
                        + " attention " + mailbox.read(Mailbox.SUPPORT, "Needs-attention").size());
                System.out.println("cluster diagnostics: jobs " + one.bean(ManagementService.class).createJobQuery().count()
                        + " incidents " + one.bean(RuntimeService.class).createIncidentQuery().count());
                System.out.println("cluster diagnostics: activities " + debug.sql("select act_id_, count(*) from act_ru_execution group by act_id_").query().listOfRows());
            }
            assertThat(approvals).hasSize(REQUESTS);
            for (int i = 0; i < approvals.size(); i++) {
                Approvals.complete((i % 2 == 0 ? one : two), "approver", approvals.get(i).getId(), Map.of("approved", true));
            }
            JdbcClient jdbc = one.bean(JdbcClient.class);
            HistoryService history = one.bean(HistoryService.class);
            for (int wait = 0; wait < 1800; wait++) {
                long delivered = history.createHistoricActivityInstanceQuery().activityId("EndEvent_CertificateDelivered").count();
                if (delivered >= REQUESTS) {
                    break;
                }
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(2000);

            assertThat(history.createHistoricActivityInstanceQuery().activityId("EndEvent_CertificateDelivered").count()).isEqualTo(REQUESTS);
            assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("certificateOnboarding").count()).isEqualTo(REQUESTS);
            assertThat(jdbc.sql("select count(*) from intake_mail").query(Long.class).single()).isEqualTo(REQUESTS);
            assertThat(jdbc.sql("select count(*) from certificate_request").query(Long.class).single()).isEqualTo(REQUESTS);
            assertThat(jdbc.sql("select count(*) from issued_certificate where purpose = 'CLIENT'").query(Long.class).single()).isEqualTo(REQUESTS);
            assertThat(jdbc.sql("select count(distinct request_reference) from issued_certificate where purpose = 'CLIENT'").query(Long.class).single()).isEqualTo(REQUESTS);
            assertThat(jdbc.sql("select count(*) from expiry_reminder").query(Long.class).single()).isEqualTo(4L * REQUESTS);
            assertThat(one.bean(RuntimeService.class).createIncidentQuery().count()).isZero();

            Map<String, Long> mailsPerClient = Arrays.stream(mail.getReceivedMessages())
                    .map(ClusterIT::recipient).filter(r -> r.endsWith("@cluster.test"))
                    .collect(Collectors.groupingBy(r -> r, Collectors.counting()));
            assertThat(mailsPerClient).hasSize(REQUESTS);
            assertThat(mailsPerClient.values()).as("an acknowledgement and a certificate each, nothing twice").containsOnly(2L);
            assertThat(mailbox.read(Mailbox.SUPPORT, "INBOX")).as("every mail moved out of the inbox").isEmpty();

            double takenByOne = taken(one);
            double takenByTwo = taken(two);
            System.out.printf("cluster: %d requests through two nodes in %.1f s; mails taken in by node one / two: %.0f / %.0f%n",
                    REQUESTS, seconds, takenByOne, takenByTwo);
            assertThat(takenByOne + takenByTwo).isEqualTo(REQUESTS);
        }
    }

    /**
     * The race an attacker who holds a client's key would hope for: node two revokes the key's certificate for
     * keyCompromise while node one signs a request for the same key, approved in that very moment. Neither may miss
     * the other: the signing waits for the revocation, sees the key recorded as compromised, and signs nothing.
     * The revocation's transaction is held open here so that the moment lasts.
     */
    @Test
    void aKeyRevokedForKeyCompromiseOnOneNodeWhileTheOtherSignsItIsNotCertifiedAgain() throws Exception {
        Mailbox mailbox = new Mailbox("127.0.0.1", mail.getSmtp().getPort(), mail.getImap().getPort());
        ExecutorService threads = Executors.newCachedThreadPool();
        try (StandaloneCertdesk one = StandaloneCertdesk.start(node("node-one"));
             StandaloneCertdesk two = StandaloneCertdesk.start(node("node-two"))) {
            KeyPair keys = TestCsrs.ec("secp384r1");
            String client = "race-client@cluster.test";
            String first = request(mailbox, client, "race-client", keys);
            Approvals.complete(one, "approver", one.awaitApprovalTask(first).getId(), Map.of("approved", true));
            assertThat(mailbox.await(client, 2, Duration.ofSeconds(60)).get(1).attachments()).containsKey("client-cert.pem");
            String serial = one.bean(CertificateInventory.class).findByRequestReference(first).orElseThrow().serial();

            // whoever holds the key asks for a certificate of their own, and waits for an approver
            String holder = "race-holder@cluster.test";
            String second = request(mailbox, holder, "race-holder", keys);
            Task waiting = one.awaitApprovalTask(second);

            CountDownLatch revoked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TransactionTemplate onTwo = new TransactionTemplate(two.bean(PlatformTransactionManager.class));
            CompletableFuture<Boolean> revocation = CompletableFuture.supplyAsync(() -> onTwo.execute(status -> {
                boolean done = two.bean(RevocationService.class).revoke(serial, RevocationReason.KEY_COMPROMISE, "admin");
                revoked.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return done;
            }), threads);
            assertThat(revoked.await(30, TimeUnit.SECONDS)).as("node two has revoked, not committed yet").isTrue();

            // the approval on node one cannot see what node two has not committed: the request goes on to signing
            Approvals.complete(one, "approver", waiting.getId(), Map.of("approved", true));
            JdbcClient jdbc = one.bean(JdbcClient.class);
            Polling.until(Duration.ofSeconds(30), Duration.ofMillis(100),
                    () -> certificatesFor(jdbc, second) > 0 || jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and not granted and database = "
                            + "(select oid from pg_database where datname = current_database())").query(Long.class).single() > 0,
                    () -> new AssertionError("the signing of " + second + " neither finished nor waited for the key"));
            release.countDown();
            assertThat(revocation.get(30, TimeUnit.SECONDS)).isTrue();

            Polling.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> certificatesFor(jdbc, second) > 0 || signingFailure(one, second) != null,
                    () -> new AssertionError("the signing of " + second + " neither signed nor refused"));
            assertThat(certificatesFor(jdbc, second)).as("nothing signed for the compromised key").isZero();
            assertThat(signingFailure(one, second)).contains("compromised");
            assertThat(jdbc.sql("select count(*) from issued_certificate where key_id = (select key_id from issued_certificate "
                    + "where serial = ?) and status <> 'REVOKED'").param(serial).query(Long.class).single())
                    .as("no certificate with the compromised key stands").isZero();
            assertThat(mailbox.read(holder, "INBOX")).as("the holder has the acknowledgement, and no certificate").hasSize(1);
        } finally {
            threads.shutdownNow();
        }
    }

    private static long certificatesFor(JdbcClient jdbc, String reference) {
        return jdbc.sql("select count(*) from issued_certificate where request_reference = ?").param(reference).query(Long.class).single();
    }

    /** Why the request's signing job failed, if it did. */
    private static String signingFailure(StandaloneCertdesk node, String reference) {
        var instance = node.bean(RuntimeService.class).createProcessInstanceQuery().processInstanceBusinessKey(reference).singleResult();
        if (instance == null) {
            return null;
        }
        return node.bean(ManagementService.class).createJobQuery().processInstanceId(instance.getId()).withException().list().stream()
                .map(job -> job.getExceptionMessage()).findFirst().orElse(null);
    }

    private static String request(Mailbox mailbox, String from, String organizationId, KeyPair keys) throws Exception {
        mailbox.send(Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: Race BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Race BV,CN=" + organizationId, keys)).getBytes()));
        String subject = mailbox.awaitOne(from).subject();
        return subject.substring(1, subject.indexOf(']'));
    }

    private static double taken(StandaloneCertdesk node) {
        var counter = node.bean(MeterRegistry.class).find("certdesk.mails.received").tag("outcome", "request_started").counter();
        return counter == null ? 0 : counter.count();
    }

    private static String recipient(MimeMessage message) {
        try {
            return message.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (Exception e) {
            return "";
        }
    }
}
