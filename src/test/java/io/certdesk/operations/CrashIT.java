package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.certdesk.CertdeskApplication;
import io.certdesk.support.FaultyLink;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.Rest;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a certdesk node in a JVM of its own is killed with SIGKILL after it signed a certificate and while
 * it is delivering it (its SMTP server hangs), with a second node running on the same PostgreSQL. Once the dead
 * node's job lock expires the second node delivers the certificate, exactly once; it is never signed twice.
 */
class CrashIT {

    /** Short, so the test waits seconds; certdesk's default (config/application.yml) is a minute. */
    private static final Duration LOCK_TIME = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private TestPostgres database;
    private GreenMail mail;
    private FaultyLink smtpOfTheNodeThatDies;
    private Process dying;

    @BeforeEach
    void setUp() throws Exception {
        database = TestPostgres.create("certdesk_crash", "the crash test");
        mail = new GreenMail(new ServerSetup[]{new ServerSetup(Ports.free(), "127.0.0.1", "smtp"),
                new ServerSetup(Ports.free(), "127.0.0.1", "imap")})
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
        smtpOfTheNodeThatDies = new FaultyLink(mail.getSmtp().getPort());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dying != null && dying.isAlive()) {
            dying.destroyForcibly().waitFor();
        }
        if (smtpOfTheNodeThatDies != null) {
            smtpOfTheNodeThatDies.close();
        }
        if (mail != null) {
            mail.stop();
        }
        if (database != null) {
            database.close();
        }
    }

    private Map<String, Object> node(String name, int smtpPort) {
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(data, 0, 0);
        p.put("camunda.bpm.process-engine-name", name);
        database.configure(p);
        p.put("certdesk.embedded-mail.enabled", false);
        p.put("spring.mail.port", smtpPort);
        p.put("certdesk.intake.port", mail.getImap().getPort());
        p.put("camunda.bpm.job-execution.lock-time-in-millis", LOCK_TIME.toMillis());
        return p;
    }

    /** certdesk in a JVM of its own, as it runs in production, so that it can be killed for real. */
    private Process startInOwnJvm(Map<String, Object> properties, int port) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                CertdeskApplication.class.getName()));
        properties.put("server.port", port);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("node-that-dies.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the node started: " + tail()).isTrue();
            try {
                if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/ping"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the node did not start within 120 s: " + tail());
    }

    private String tail() throws IOException {
        String log = Files.readString(data.resolve("node-that-dies.log"));
        return log.substring(Math.max(0, log.length() - 3000));
    }

    private Connection db() throws Exception {
        Map<String, Object> p = new HashMap<>();
        database.configure(p);
        return DriverManager.getConnection((String) p.get("spring.datasource.url"), (String) p.get("spring.datasource.username"),
                (String) p.get("spring.datasource.password"));
    }

    private String single(String sql, String... params) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String await(String sql, String... params) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String value = single(sql, params);
            if (value != null) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nothing for " + sql + " within 60 s: " + tail());
    }

    @Test
    void aNodeKilledWhileDeliveringLeavesTheDeliveryToTheOtherNodeWhichSendsItOnceAfterTheLockExpires() throws Exception {
        int port = Ports.free();
        dying = startInOwnJvm(node("node-that-dies", smtpOfTheNodeThatDies.port()), port);
        Mailbox mailbox = new Mailbox("127.0.0.1", mail.getSmtp().getPort(), mail.getImap().getPort());
        String contact = "crash-" + System.nanoTime() + "@acme.test";
        mailbox.send(Mailbox.from(contact).body("Organization ID: crash-org\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=crash-org",
                        TestCsrs.ec("secp256r1"))).getBytes()));
        String subject = mailbox.awaitOne(contact).subject();
        String reference = subject.replaceAll(".*(CR-\\d{4}-\\d{6}).*", "$1");
        String task = await("""
                select t.id_ from act_ru_task t join act_ru_execution e on t.proc_inst_id_ = e.id_
                where e.business_key_ = ? and t.task_def_key_ = 'UserTask_ApproveRequest'""", reference);

        // from now on the dying node's SMTP server takes connections and never answers
        smtpOfTheNodeThatDies.stall();
        assertThat(Rest.basic("http://127.0.0.1:" + port, "approver", "approver")
                .post("/engine-rest/task/" + task + "/complete", "{\"variables\":{\"approved\":{\"value\":true}}}").status())
                .isEqualTo(204);
        await("select serial from issued_certificate where request_reference = ?", reference);
        String processInstance = single("select proc_inst_id_ from act_ru_execution where business_key_ = ? and parent_id_ is null", reference);
        // signed; its delivery job is taken and hangs on the SMTP server
        String lockOwner = await("select lock_owner_ from act_ru_job where process_instance_id_ = ? and lock_owner_ is not null", processInstance);
        Timestamp lockExpires = Timestamp.valueOf(await("select lock_exp_time_ from act_ru_job where process_instance_id_ = ? and lock_owner_ is not null",
                processInstance).replace('T', ' '));

        try (StandaloneCertdesk survivor = StandaloneCertdesk.start(node("survivor", mail.getSmtp().getPort()))) {
            assertThat(dying.isAlive()).isTrue();
            new ProcessBuilder("kill", "-KILL", String.valueOf(dying.pid())).inheritIO().start().waitFor();
            assertThat(dying.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(dying.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            Instant killed = Instant.now();

            List<Mailbox.Received> mails = mailbox.await(contact, 2, LOCK_TIME.plusSeconds(60));
            Instant delivered = Instant.now();
            assertThat(mails.get(1).attachmentText("client-cert.pem")).contains("BEGIN CERTIFICATE");
            assertThat(delivered).as("delivered once the dead node's lock (%s, owner %s) expired", lockExpires, lockOwner)
                    .isAfter(lockExpires.toInstant().minusSeconds(1));
            System.out.println("delivery taken over " + Duration.between(killed, delivered).toMillis() + " ms after SIGKILL (lock time "
                    + LOCK_TIME.toSeconds() + " s)");

            Thread.sleep(3000);
            assertThat(mailbox.read(contact, "INBOX")).as("the certificate is delivered exactly once").hasSize(2);
            assertThat(single("select count(*) from issued_certificate where request_reference = ?", reference))
                    .as("signed once").isEqualTo("1");
            assertThat(single("select status from certificate_request where reference = ?", reference)).isEqualTo("DELIVERED");
            String stored = single("select certificate_pem from issued_certificate where request_reference = ?", reference);
            assertThat(mails.get(1).attachmentText("client-cert.pem")).isEqualTo(stored);
        }
    }
}
