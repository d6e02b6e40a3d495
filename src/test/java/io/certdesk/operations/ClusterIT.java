package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
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

/**
 * Two certdesk nodes on one PostgreSQL database and one mailbox: a few hundred requests go through both, and
 * every count comes out exact (one process, one certificate and two mails per request, nothing twice).
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
