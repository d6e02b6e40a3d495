package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request waiting for approval survives a restart of certdesk on its H2 file database and its data directory. */
class RestartIT {

    @TempDir
    Path data;

    @Test
    void aRequestWaitingForApprovalIsApprovedAndDeliveredAfterARestart() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "restart");
        String reference;
        String caFingerprint;
        try (StandaloneCertdesk first = StandaloneCertdesk.start(properties)) {
            mailbox.send(Mailbox.from("lena@restart.test").body("Organization ID: restart-1\nCompany: Restart BV\n")
                    .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Restart BV,CN=restart-1", TestCsrs.p384())).getBytes()));
            String subject = mailbox.awaitOne("lena@restart.test").subject();
            reference = subject.substring(subject.indexOf("CR-"), subject.indexOf(']'));
            first.awaitApprovalTask(reference);
            caFingerprint = first.bean(CertificateAuthorities.class).get("production").sha256Fingerprint();
        }
        // the embedded mailbox lives in memory: the client's mail is gone with it, the request is not
        try (StandaloneCertdesk second = StandaloneCertdesk.start(properties)) {
            assertThat(second.bean(CertificateAuthorities.class).get("production").sha256Fingerprint())
                    .as("the development CA is loaded again, not created anew").isEqualTo(caFingerprint);
            TaskService tasks = second.bean(TaskService.class);
            Task task = second.awaitApprovalTask(reference);
            Approvals.complete(second, "approver", task.getId(), Map.of(OnboardingProcess.APPROVED, true));
            List<Mailbox.Received> mails = mailbox.await("lena@restart.test", 1, Duration.ofSeconds(30));
            assertThat(mails.get(0).subject()).contains(reference).contains("Your client certificate");
            assertThat(second.bean(HistoryService.class).createHistoricProcessInstanceQuery()
                    .processInstanceBusinessKey(reference).count()).isEqualTo(1);
        }
    }

    @Test
    void aDueReminderIsSentOnceAcrossRestarts() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "restart-reminders");
        String contact = "ops@reminder.test";
        Instant notAfter;
        try (StandaloneCertdesk first = StandaloneCertdesk.start(properties)) {
            mailbox.send(Mailbox.from(contact).body("Organization ID: remind-1\nCompany: Remind BV\n")
                    .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Remind BV,CN=remind-1", TestCsrs.p384())).getBytes()));
            String subject = mailbox.awaitOne(contact).subject();
            String reference = subject.substring(subject.indexOf("CR-"), subject.indexOf(']'));
            TaskService tasks = first.bean(TaskService.class);
            Approvals.complete(first, "approver", first.awaitApprovalTask(reference).getId(), Map.of(OnboardingProcess.APPROVED, true));
            mailbox.await(contact, 2, Duration.ofSeconds(30));
            notAfter = first.bean(CertificateInventory.class).findByRequestReference(reference).orElseThrow().notAfter();
        }
        // each restarted instance's clock stands ten minutes past the 30-day reminder's date (its own clock: the
        // engine's is one per JVM, and moving it would fire every timer there is)
        Instant reminderDue = notAfter.minus(Duration.ofDays(30)).plusSeconds(600);
        // the embedded mailbox starts empty again with each run; count reminders per run
        int reminders = 0;
        for (int run = 0; run < 2; run++) {
            try (StandaloneCertdesk again = StandaloneCertdesk.start(properties)) {
                again.clock().moveTo(reminderDue);
                runSweepNow(again);
                if (run == 0) {
                    List<Mailbox.Received> mails = mailbox.await(contact, 1, Duration.ofSeconds(60));
                    assertThat(mails.get(0).subject()).contains("expires in 30 days");
                } else {
                    Thread.sleep(1000);
                }
                reminders += mailbox.read(contact, "INBOX").size();
            }
        }
        assertThat(reminders).as("one reminder over two restarts").isEqualTo(1);
    }

    private static Set<String> finishedSweeps(HistoryService history) {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey("certificateLifecycleSweep").finished().list().stream()
                .map(HistoricProcessInstance::getId).collect(Collectors.toSet());
    }

    /** Makes the lifecycle sweep due now and waits until it ran. */
    private static void runSweepNow(StandaloneCertdesk certdesk) throws InterruptedException {
        var management = certdesk.bean(ManagementService.class);
        var history = certdesk.bean(HistoryService.class);
        Set<String> before = finishedSweeps(history);
        var timer = management.createJobQuery().processDefinitionKey("certificateLifecycleSweep").timers().singleResult();
        management.setJobDuedate(timer.getId(), new Date());
        for (int i = 0; i < 300; i++) {
            if (!before.containsAll(finishedSweeps(history))
                    && history.createHistoricProcessInstanceQuery().processDefinitionKey("certificateLifecycleSweep").unfinished().count() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the lifecycle sweep did not run after the restart");
    }
}
