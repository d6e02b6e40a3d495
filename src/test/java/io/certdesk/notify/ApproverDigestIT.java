package io.certdesk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.Test;

/**
 * A group configured for a digest ({@code certdesk.notifications.digest.approvers: 1h}) gets one mail per hour
 * listing the tasks still open, not one mail per task; a task taken care of meanwhile, or handed to another group,
 * is left out. The hour passes on this instance's own clock: the engine's clock is one per JVM, and moving it would
 * fire the timers of every certdesk running in the test JVM.
 */
class ApproverDigestIT {

    @Test
    void approversInDigestModeGetOneMailAnHourWithOnlyTheTasksStillOpen() throws Exception {
        Path dataDir = Files.createTempDirectory("certdesk-digest-");
        int smtp = Ports.free();
        int imap = Ports.free();
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(dataDir, smtp, imap);
        properties.put("certdesk.notifications.digest.approvers", "1h");
        properties.put("certdesk.notifications.poll-interval", "250ms");
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            String open = request(mailbox, "digest-1");
            String decided = request(mailbox, "digest-2");
            String handedOver = request(mailbox, "digest-3");
            var decidedTask = certdesk.awaitApprovalTask(decided);
            certdesk.awaitApprovalTask(open);
            Approvals.complete(certdesk, "approver", decidedTask.getId(), Map.of("approved", true));
            // an administrator hands a task to another group: the approvers no longer hear of it
            var handedOverTask = certdesk.awaitApprovalTask(handedOver);
            TaskService tasks = certdesk.bean(TaskService.class);
            tasks.addCandidateGroup(handedOverTask.getId(), "auditors");
            tasks.deleteCandidateGroup(handedOverTask.getId(), "approvers");
            Thread.sleep(2_000);
            assertThat(mailbox.read("approver@certdesk.local", "INBOX")).as("nothing before the hour is up").isEmpty();

            certdesk.clock().moveBy(Duration.ofMinutes(61));
            List<Mailbox.Received> digests = mailbox.await("approver@certdesk.local", 1, Duration.ofSeconds(30));
            assertThat(digests).hasSize(1);
            assertThat(digests.get(0).subject()).isEqualTo("[certdesk] 1 task(s) waiting for approvers");
            assertThat(digests.get(0).text()).contains("Approve CSR digest-1 (qa) " + open).doesNotContain(decided).doesNotContain(handedOver)
                    .contains("/camunda/app/tasklist/default/#/?task=");
            Thread.sleep(2_000);
            assertThat(mailbox.read("approver@certdesk.local", "INBOX")).as("each task in one digest only").hasSize(1);
        }
    }

    private static String request(Mailbox mailbox, String organizationId) throws Exception {
        String from = organizationId + "@acme.test";
        mailbox.send(Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId,
                        TestCsrs.ec("secp256r1"))).getBytes()));
        String subject = mailbox.awaitOne(from).subject();
        Matcher reference = Pattern.compile("CR-\\d{4}-\\d{6}").matcher(subject);
        assertThat(reference.find()).isTrue();
        return reference.group();
    }
}
