package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.revocation.RevocationService;
import io.certdesk.support.Approvals;
import io.certdesk.support.FaultyLink;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Polling;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The onboarding path on PostgreSQL: Camunda's schema, certdesk's migrations and its SQL. Uses
 * CERTDESK_TEST_PG_URL (default jdbc:postgresql://127.0.0.1:5432/postgres, user postgres) to create and drop a
 * database of its own.
 */
class PostgresOnboardingIT {

    static final String ADMIN_URL = System.getenv().getOrDefault("CERTDESK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = System.getenv().getOrDefault("CERTDESK_TEST_PG_USER", "postgres");
    static final String PASSWORD = System.getenv().getOrDefault("CERTDESK_TEST_PG_PASSWORD", "");

    @TempDir
    Path data;
    String database;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = "certdesk_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        } catch (SQLException unreachable) {
            boolean ci = System.getenv("CI") != null;
            if (ci) {
                throw unreachable;
            }
            Assumptions.abort("PostgreSQL is not reachable at " + ADMIN_URL + " (" + unreachable.getMessage()
                    + "): set CERTDESK_TEST_PG_URL to run the PostgreSQL tests");
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
    }

    @Test
    void aCsrMailIsApprovedSignedAndDeliveredOnPostgres() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "postgres");
        properties.put("spring.datasource.url", ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + database);
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", PASSWORD);
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            String delivered = null;
            for (int i = 1; i <= 2; i++) {
                String from = "pg" + i + "@postgres.test";
                mailbox.send(Mailbox.from(from).body("Organization ID: pg-" + i + "\nCompany: PG BV\nEnvironment: qa\n")
                        .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=PG BV,CN=pg-" + i, TestCsrs.p384())).getBytes()));
                String subject = mailbox.awaitOne(from).subject();
                assertThat(subject).matches("\\[CR-\\d{4}-00000" + i + "] .*");
                String reference = subject.substring(1, subject.indexOf(']'));
                Task task = certdesk.awaitApprovalTask(reference);
                Approvals.complete(certdesk, "approver", task.getId(), Map.of(OnboardingProcess.APPROVED, true));
                assertThat(mailbox.await(from, 2, Duration.ofSeconds(30)).get(1).attachments()).containsKey("client-cert.pem");
                assertThat(certdesk.bean(CertificateInventory.class).findByRequestReference(reference))
                        .get().satisfies(c -> assertThat(c.environment()).isEqualTo("qa"));
                delivered = reference;
            }
            // a revocation waiting for an approver stops the certificate's EST re-enrollment and signing: that question
            // reads the engine's own tables, here PostgreSQL's
            RevocationService revocations = certdesk.bean(RevocationService.class);
            String serial = certdesk.bean(CertificateInventory.class).findByRequestReference(delivered).orElseThrow().serial();
            assertThat(revocations.pending(serial)).isFalse();
            revocations.start(serial, RevocationReason.CESSATION_OF_OPERATION, RevocationService.Source.ADMIN, "admin", null);
            Polling.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> revocations.pending(serial),
                    () -> new AssertionError("the revocation of " + serial + " never counted as pending"));
            assertThat(revocations.pending("0" + serial)).as("another certificate's").isFalse();
            // completing a task looks up its subtasks: indexed, approvals do not read every open task
            assertThat(certdesk.bean(JdbcClient.class)
                    .sql("select indexdef from pg_indexes where tablename = 'act_ru_task'").query(String.class).list())
                    .anySatisfy(index -> assertThat(index).containsIgnoringCase("(parent_task_id_)"));
        }
    }

    @Test
    void theDatabaseUnavailableForAWhileLosesNoMailAndNoDecision() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        String url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + database;
        URI target = URI.create(url.substring("jdbc:".length()));
        try (FaultyLink link = new FaultyLink(target.getPort() < 0 ? 5432 : target.getPort())) {
            Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
            properties.put("camunda.bpm.process-engine-name", "postgres-outage");
            properties.put("spring.datasource.url", url.replace(target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort()),
                    "127.0.0.1:" + link.port()));
            properties.put("spring.datasource.username", USER);
            properties.put("spring.datasource.password", PASSWORD);
            properties.put("spring.datasource.hikari.connection-timeout", 2000);
            try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
                String first = "before@outage.test";
                send(mailbox, first, "outage-1");
                String reference = mailbox.awaitOne(first).subject().substring(1, 15);
                Task task = certdesk.awaitApprovalTask(reference);

                link.cut();
                List<String> during = List.of("during1@outage.test", "during2@outage.test", "during3@outage.test");
                for (int i = 0; i < during.size(); i++) {
                    send(mailbox, during.get(i), "outage-" + (i + 2));
                }
                Thread.sleep(6000);
                for (String contact : during) {
                    assertThat(mailbox.read(contact, "INBOX")).as("nothing answered without a database").isEmpty();
                }
                link.restore();

                // taken in at the poll interval once the database is back, not at the next IDLE sweep (1 min)
                for (String contact : during) {
                    assertThat(mailbox.await(contact, 1, Duration.ofSeconds(30)).get(0).subject()).contains("received");
                }
                Approvals.complete(certdesk, "approver", task.getId(), Map.of(OnboardingProcess.APPROVED, true));
                assertThat(mailbox.await(first, 2, Duration.ofSeconds(60)).get(1).attachments()).containsKey("client-cert.pem");
                assertThat(mailbox.read(Mailbox.SUPPORT, "Needs-attention")).as("no mail blamed for the outage").isEmpty();
                assertThat(certdesk.bean(JdbcClient.class)
                        .sql("select count(*) from certificate_request").query(Long.class).single()).isEqualTo(4);
            }
        }
    }

    private static void send(Mailbox mailbox, String from, String organizationId) throws Exception {
        mailbox.send(Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: PG BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=PG BV,CN=" + organizationId, TestCsrs.p384())).getBytes()));
    }
}
