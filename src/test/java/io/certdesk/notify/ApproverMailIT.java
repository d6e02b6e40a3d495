package io.certdesk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Approvers hear of their tasks by mail: what is asked, for whom, with which findings, by when, and a link to
 * the task; a member without an address is logged once; client text is quoted. The task's BPMN timers are due at
 * the configured follow-up and due dates; fired, they remind the group, escalate, raise the task's priority and
 * tell the waiting client once. (Only this request's timers are fired: moving the engine's clock would fire every
 * other test's timers in the shared context too.)
 */
@ExtendWith(OutputCaptureExtension.class)
class ApproverMailIT extends EmbeddedCertdeskTest {

    static final String APPROVER = "approver@certdesk.local";

    @Autowired
    CertdeskProperties properties;

    @Autowired
    ApproverMails approverMails;

    @Test
    void approversHearOfAWaitingRequestWithWhatIsAskedTheFindingsTheDueDateAndALinkToTheTask() throws Exception {
        String reference = request("mail-1", "production", address("mail-1"));
        Task task = awaitTask(reference, "UserTask_ApproveRequest");

        Mailbox.Received mail = awaitMail(APPROVER, reference, "Waiting for your decision");
        assertThat(mail.subject()).contains("Approve CSR mail-1 (production) " + reference);
        assertThat(mail.text())
                .contains("A decision waits for the group approvers")
                .contains("Organization:  \"mail-1\"")
                .contains("Environment:   \"production\"")
                .containsPattern("Findings: +(none|\\d+ (WARNING|NOTE).*)")
                .contains("Due:           " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                        .withZone(ZoneOffset.UTC).format(task.getDueDate().toInstant()))
                .contains(properties.publicUrl() + "/camunda/app/tasklist/default/#/?task=" + task.getId());
        assertThat(mail.headers()).containsEntry("X-Certdesk-Reference", reference);
    }

    @Test
    void aMemberWithoutAnAddressIsLoggedOnceNotForEveryTask(CapturedOutput output) throws Exception {
        String member = "noaddress" + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        approverUser(member);
        String first = request("mail-2", "qa", address("mail-2"));
        String second = request("mail-3", "qa", address("mail-3"));
        awaitMail(APPROVER, first, "Waiting for your decision");
        awaitMail(APPROVER, second, "Waiting for your decision");

        String warning = "Approver '" + member + "' (group approvers) has no usable mail address";
        assertThat(output.getAll().split(Pattern.quote(warning), -1)).as("times logged").hasSize(2);
        assertThat(runtime.createIncidentQuery().count()).isZero();
    }

    @Test
    void clientTextReachesApproversQuotedAndNeverAsAMailHeader() throws Exception {
        String serial = "hostile-" + UUID.randomUUID().toString().substring(0, 6);
        runtime.startProcessInstanceByKey("certificateExpiry", serial, Map.of("serial", serial,
                "organizationId", "acme\r\nBcc: victim@evil.test\r\n\r\n\u202eevil", "environment", "qa\u0007"));

        Mailbox.Received mail = awaitMail(APPROVER, serial, "Waiting for your decision");
        assertThat(mail.subject()).contains("acme\\u000D\\u000ABcc: victim@evil.test").doesNotContain("\n");
        assertThat(mail.text()).contains("Organization:  \"acme\\u000D\\u000ABcc: victim@evil.test\\u000D\\u000A\\u000D\\u000A\\u202Eevil\"")
                .contains("Environment:   \"qa\\u0007\"");
        assertThat(MAILBOX.read("victim@evil.test", "INBOX")).isEmpty();
    }

    @Test
    void pastTheFollowUpDateTheGroupIsRemindedAndPastTheDueDateTheTaskEscalatesAndTheClientHearsOnce() throws Exception {
        String client = address("mail-4");
        String reference = request("mail-4", "qa", client);
        Task task = awaitTask(reference, "UserTask_ApproveRequest");
        awaitMail(APPROVER, reference, "Waiting for your decision");
        Instant created = task.getCreateTime().toInstant();
        int clientMails = MAILBOX.read(client, "INBOX").size();

        // each timer is due when the configuration says; firing it now stands for the engine's clock reaching that date
        fire(task, "BoundaryEvent_ApproveRequestFollowUpReached", created.plus(properties.approvers().followUp()));
        Mailbox.Received reminder = awaitMail(APPROVER, reference, "Reminder: still waiting for a decision");
        assertThat(reminder.text()).contains("reached its follow-up date").contains("/#/?task=" + task.getId());
        assertThat(mailsAbout(ESCALATIONS, reference)).isEmpty();
        assertThat(tasks.createTaskQuery().taskId(task.getId()).singleResult().getPriority()).isEqualTo(50);

        fire(task, "BoundaryEvent_ApproveRequestOverdue", created.plus(properties.approvers().decisionDue()));
        Mailbox.Received escalation = awaitMail(ESCALATIONS, reference, "Overdue");
        assertThat(escalation.text()).contains("past its due date").contains("Its priority was raised to 100");
        Mailbox.Received stillLooking = awaitMail(client, reference, "still being looked at");
        assertThat(stillLooking.text()).contains("still being looked at by an approver");
        assertThat(tasks.createTaskQuery().taskId(task.getId()).singleResult().getPriority()).isEqualTo(100);

        // the timers fire once: none is left to fire again; the client heard once; the task is still the approvers' to decide
        assertThat(managementJobsOf(reference)).as("timer jobs left").isZero();
        assertThat(mailsAbout(client, reference).stream().filter(m -> m.subject().contains("still being looked at"))).hasSize(1);
        assertThat(mailsAbout(ESCALATIONS, reference)).hasSize(1);
        assertThat(MAILBOX.read(client, "INBOX")).hasSize(clientMails + 1);
        decide("approver", task.getId(), Map.of("approved", true));
        awaitEnded(reference, "EndEvent_CertificateDelivered");
    }

    @Test
    void aTaskDecidedBeforeItsDueDateNeverEscalates() throws Exception {
        String client = address("mail-5");
        String reference = request("mail-5", "qa", client);
        Task task = awaitTask(reference, "UserTask_ApproveRequest");
        decide("approver", task.getId(), Map.of("approved", true));
        awaitEnded(reference, "EndEvent_CertificateDelivered");

        // the decision took the task's timers with it: nothing is left to remind or escalate, ever
        assertThat(managementJobsOf(reference)).isZero();
        assertThat(mailsAbout(ESCALATIONS, reference)).isEmpty();
        assertThat(mailsAbout(client, reference).stream().filter(m -> m.subject().contains("still being looked at"))).isEmpty();
    }

    @Test
    void aMailForATaskDecidedWhileItWasWrittenIsDroppedWithoutAnEngineError(CapturedOutput output) throws Exception {
        String reference = request("mail-6", "qa", address("mail-6"));
        Task task = awaitTask(reference, "UserTask_ApproveRequest");
        // a group added to the task and taken off again is not told
        tasks.addCandidateGroup(task.getId(), "auditors");
        tasks.deleteCandidateGroup(task.getId(), "auditors");
        assertThat(approverMails.candidateGroups(task.getId())).containsExactly("approvers");
        decide("approver", task.getId(), Map.of("approved", true));
        awaitEnded(reference, "EndEvent_CertificateDelivered");

        // the mail being written reads the task's groups after the decision: nothing to tell, and nothing for the log
        int logged = output.getAll().length();
        assertThat(approverMails.candidateGroups(task.getId())).isNull();
        assertThat(output.getAll().substring(logged)).doesNotContain("ENGINE-16004").doesNotContain("Cannot find task");
    }

    @Test
    void everyUserTaskOfEveryProcessHasAFollowUpReminderAndADueDateEscalationInItsModel() {
        List<String> checked = new ArrayList<>();
        var repository = engine.getRepositoryService();
        for (var definition : repository.createProcessDefinitionQuery().latestVersion().list()) {
            var model = repository.getBpmnModelInstance(definition.getId());
            for (var task : model.getModelElementsByType(UserTask.class)) {
                List<String> timers = model.getModelElementsByType(BoundaryEvent.class).stream()
                        .filter(b -> b.getAttachedTo() == task && !b.cancelActivity())
                        .flatMap(b -> b.getEventDefinitions().stream())
                        .filter(d -> d instanceof TimerEventDefinition)
                        .map(d -> ((TimerEventDefinition) d).getTimeDate().getTextContent())
                        .toList();
                assertThat(timers).as(task.getId() + " timers").containsExactlyInAnyOrder(task.getCamundaFollowUpDate(), task.getCamundaDueDate());
                checked.add(task.getId());
            }
        }
        assertThat(checked).contains("UserTask_ApproveRequest", "UserTask_ReviewExposedKey", "UserTask_FirstTrustApproval",
                "UserTask_SecondTrustApproval", "UserTask_ApproveRevocation", "UserTask_ReviewExpiredCertificate");
    }

    /** Checks that the task's timer {@code boundaryEvent} is due at {@code due} (within a minute) and makes it due now. */
    private void fire(Task task, String boundaryEvent, Instant due) {
        var management = engine.getManagementService();
        var timer = management.createJobQuery().processInstanceId(task.getProcessInstanceId()).activityId(boundaryEvent).timers().singleResult();
        assertThat(timer).as(boundaryEvent + " waiting").isNotNull();
        assertThat(Duration.between(due, timer.getDuedate().toInstant()).abs()).isLessThan(Duration.ofMinutes(1));
        management.setJobDuedate(timer.getId(), new Date());
    }

    private long managementJobsOf(String reference) {
        return engine.getManagementService().createJobQuery().processInstanceId(
                history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(reference).singleResult().getId()).count();
    }

    /** Mails a CSR for {@code organizationId} and returns the request's reference from the acknowledgement. */
    private String request(String organizationId, String environment, String from) throws Exception {
        MAILBOX.send(Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: " + environment + "\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId, TestCsrs.ec("secp256r1"))).getBytes()));
        return referenceIn(MAILBOX.awaitOne(from).subject());
    }

    private List<Mailbox.Received> mailsAbout(String address, String reference) throws Exception {
        return MAILBOX.readAbout(address, reference).stream().filter(m -> m.subject().contains(reference)).toList();
    }

    /** Waits for the mail to {@code address} about {@code reference} whose subject holds {@code subjectPart}. */
    private Mailbox.Received awaitMail(String address, String reference, String subjectPart) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Mailbox.Received mail : mailsAbout(address, reference)) {
                if (mail.subject().contains(subjectPart)) {
                    return mail;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail \"" + subjectPart + "\" about " + reference + " for " + address + " within " + WAIT);
    }
}
