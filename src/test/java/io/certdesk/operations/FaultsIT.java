package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.certdesk.intake.SupportInboxPoller;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.support.Approvals;
import io.certdesk.support.FaultyLink;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Faults in what certdesk depends on, injected on the wire (a {@link FaultyLink} between certdesk and its SMTP
 * relay or IMAP inbox): the mail relay down while a certificate is delivered, the service stopped between
 * signing and delivery, the inbox unreachable. Nothing is lost, nothing is signed or delivered twice, and what
 * needs a person is an incident in Cockpit.
 */
class FaultsIT {

    @TempDir
    Path data;
    final int smtp = Ports.free();
    final int imap = Ports.free();
    final Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);

    private Map<String, Object> properties(String engine, FaultyLink relay, FaultyLink inbox) {
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", engine);
        properties.put("spring.mail.port", relay == null ? smtp : relay.port());
        properties.put("spring.mail.properties.mail.smtp.connectiontimeout", 2000);
        properties.put("spring.mail.properties.mail.smtp.timeout", 2000);
        properties.put("certdesk.intake.port", inbox == null ? imap : inbox.port());
        return properties;
    }

    private String request(String contact, String organizationId) throws Exception {
        mailbox.send(Mailbox.from(contact).body("Organization ID: " + organizationId + "\nCompany: Fault BV\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Fault BV,CN=" + organizationId, TestCsrs.p384())).getBytes()));
        String subject = mailbox.awaitOne(contact).subject();
        return subject.substring(subject.indexOf("CR-"), subject.indexOf(']'));
    }

    private static Job awaitFailingDelivery(StandaloneCertdesk certdesk, String reference) throws InterruptedException {
        ManagementService management = certdesk.bean(ManagementService.class);
        for (int i = 0; i < 300; i++) {
            Job job = management.createJobQuery().processInstanceId(processId(certdesk, reference))
                    .activityId(OnboardingProcess.DELIVER_CERTIFICATE).withException().singleResult();
            if (job != null) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("delivery of " + reference + " did not fail");
    }

    /**
     * Makes the failed delivery's retry of {@code reference} due now, after checking it was due within a minute or
     * so (R5/PT1M). Only this job is fired: moving the engine's clock, one per JVM, would fire every timer there is.
     */
    private static void fireDeliveryRetry(StandaloneCertdesk certdesk, String reference) throws InterruptedException {
        ManagementService management = certdesk.bean(ManagementService.class);
        for (int attempt = 0; attempt < 50; attempt++) {
            Job retry = management.createJobQuery().processInstanceId(processId(certdesk, reference))
                    .activityId(OnboardingProcess.DELIVER_CERTIFICATE).withException().singleResult();
            if (retry != null && retry.getRetries() > 0 && retry.getDuedate() != null && retry.getDuedate().after(new Date())) {
                assertThat(retry.getDuedate().toInstant()).as("the retry is due a minute after the failure")
                        .isBefore(Instant.now().plus(Duration.ofSeconds(75)));
                try {
                    management.setJobDuedate(retry.getId(), new Date());
                    return;
                } catch (OptimisticLockingException changedMeanwhile) {
                    // the job executor took the job at the same moment; look again
                }
            }
            Thread.sleep(100);
        }
    }

    private static String processId(StandaloneCertdesk certdesk, String reference) {
        return certdesk.bean(RuntimeService.class).createProcessInstanceQuery().processInstanceBusinessKey(reference)
                .singleResult().getId();
    }

    private static long certificates(StandaloneCertdesk certdesk, String reference) {
        return certdesk.bean(JdbcClient.class).sql("select count(*) from issued_certificate where request_reference = ?")
                .param(reference).query(Long.class).single();
    }

    private static List<Mailbox.Received> deliveries(Mailbox mailbox, String contact, String reference) throws Exception {
        return mailbox.read(contact, "INBOX").stream().filter(m -> m.subject().contains(reference)
                && m.subject().contains("Your client certificate")).toList();
    }

    @Test
    void theMailRelayDownWhileDeliveringBecomesAnIncidentAndTheCertificateIsDeliveredOnceWhenItIsBack() throws Exception {
        try (FaultyLink relay = new FaultyLink(smtp);
             StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties("faults-relay", relay, null))) {
            String contact = "ria@relay.test";
            String reference = request(contact, "relay-1");
            relay.cut();
            TaskService tasks = certdesk.bean(TaskService.class);
            Approvals.complete(certdesk, "approver", certdesk.awaitApprovalTask(reference).getId(), Map.of(OnboardingProcess.APPROVED, true));

            Job failing = awaitFailingDelivery(certdesk, reference);
            assertThat(certificates(certdesk, reference)).as("signed once, before the failed delivery").isEqualTo(1);
            // each retry is due a minute later (R5/PT1M): fire them one after the other
            ManagementService management = certdesk.bean(ManagementService.class);
            RuntimeService runtime = certdesk.bean(RuntimeService.class);
            for (int retry = 1; retry <= 6 && runtime.createIncidentQuery().processInstanceId(failing.getProcessInstanceId()).count() == 0; retry++) {
                fireDeliveryRetry(certdesk, reference);
                Thread.sleep(1500);
            }
            Incident incident = runtime.createIncidentQuery().processInstanceId(failing.getProcessInstanceId()).singleResult();
            assertThat(incident).as("an incident in Cockpit once the retries are spent").isNotNull();
            assertThat(incident.getActivityId()).isEqualTo(OnboardingProcess.DELIVER_CERTIFICATE);
            assertThat(incident.getIncidentMessage()).contains("cannot send mail");
            assertThat(deliveries(mailbox, contact, reference)).isEmpty();

            relay.restore();
            // what an operator does in Cockpit: retry the failed job, due now
            management.setJobDuedate(incident.getConfiguration(), new Date());
            management.setJobRetries(incident.getConfiguration(), 1);
            mailbox.await(contact, 2, Duration.ofSeconds(30));
            Thread.sleep(1500);
            assertThat(deliveries(mailbox, contact, reference)).as("delivered exactly once").hasSize(1);
            assertThat(certificates(certdesk, reference)).as("never signed twice").isEqualTo(1);
            assertThat(runtime.createIncidentQuery().processInstanceId(failing.getProcessInstanceId()).count()).isZero();

            // the job log keeps each failed attempt with its reason, and leaves out the routine created/succeeded entries
            HistoryService history = certdesk.bean(HistoryService.class);
            String instance = failing.getProcessInstanceId();
            assertThat(history.createHistoricJobLogQuery().processInstanceId(instance).failureLog().list()).as("one entry per failed attempt").hasSize(5)
                    .allSatisfy(entry -> {
                        assertThat(entry.getActivityId()).isEqualTo(OnboardingProcess.DELIVER_CERTIFICATE);
                        assertThat(entry.getJobExceptionMessage()).contains("cannot send mail");
                    });
            assertThat(history.createHistoricJobLogQuery().processInstanceId(instance).creationLog().count()).as("created entries").isZero();
            assertThat(history.createHistoricJobLogQuery().processInstanceId(instance).successLog().count()).as("succeeded entries").isZero();
            // every variable keeps its value in the history, and the decision its change record with the user operation
            // that made it
            assertThat(history.createHistoricVariableInstanceQuery().processInstanceId(instance).list())
                    .extracting(HistoricVariableInstance::getName).contains(OnboardingProcess.REQUEST_ID, "approvalFacts", OnboardingProcess.APPROVED);
            assertThat(history.createHistoricDetailQuery().variableUpdates().processInstanceId(instance).list())
                    .filteredOn(change -> ((HistoricVariableUpdate) change).getVariableName().equals(OnboardingProcess.APPROVED))
                    .singleElement().satisfies(change -> assertThat(change.getUserOperationId()).isNotNull());
            assertThat(history.createUserOperationLogQuery().processInstanceId(instance).operationType("Complete").singleResult().getUserId())
                    .isEqualTo("approver");
        }
    }

    @Test
    void stoppedBetweenSigningAndDeliveryItDeliversOnceAfterTheRestartAndNeverSignsAgain() throws Exception {
        String contact = "kim@restart.test";
        String reference;
        String serial;
        try (FaultyLink relay = new FaultyLink(smtp)) {
            try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties("faults-stop", relay, null))) {
                reference = request(contact, "stop-1");
                relay.cut();
                Approvals.complete(certdesk, "approver", certdesk.awaitApprovalTask(reference).getId(),
                        Map.of(OnboardingProcess.APPROVED, true));
                awaitFailingDelivery(certdesk, reference);
                serial = certdesk.bean(JdbcClient.class).sql("select serial from issued_certificate where request_reference = ?")
                        .param(reference).query(String.class).single();
            }
            relay.restore();
            try (StandaloneCertdesk restarted = StandaloneCertdesk.start(properties("faults-stop", relay, null))) {
                // the delivery job's retry is due a minute after its failure
                fireDeliveryRetry(restarted, reference);
                Mailbox.Received delivery = mailbox.await(contact, 1, Duration.ofSeconds(30)).get(0);
                assertThat(delivery.subject()).contains(reference).contains("Your client certificate");
                Thread.sleep(1500);
                assertThat(deliveries(mailbox, contact, reference)).as("delivered exactly once").hasSize(1);
                assertThat(restarted.bean(JdbcClient.class).sql("select serial from issued_certificate where request_reference = ?")
                        .param(reference).query(String.class).list()).as("the certificate signed before the stop, no other")
                        .containsExactly(serial);
                assertThat(delivery.attachmentText("client-cert.pem")).isNotBlank();
            }
        }
    }

    @Test
    void theInboxUnreachableForAWhileThenEveryMailIsTakenInOnce() throws Exception {
        try (FaultyLink inbox = new FaultyLink(imap);
             StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties("faults-inbox", null, inbox))) {
            inbox.cut();
            List<String> contacts = List.of("a@inbox.test", "b@inbox.test", "c@inbox.test", "d@inbox.test", "e@inbox.test");
            for (int i = 0; i < contacts.size(); i++) {
                mailbox.send(Mailbox.from(contacts.get(i)).body("Organization ID: inbox-" + i + "\nCompany: Fault BV\n")
                        .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Fault BV,CN=inbox-" + i, TestCsrs.p384())).getBytes()));
            }
            Thread.sleep(2000);
            assertThat(certdesk.bean(SupportInboxPoller.class).lastError()).as("the outage is seen").isNotNull();
            for (String contact : contacts) {
                assertThat(mailbox.read(contact, "INBOX")).as("nothing answered while the inbox is unreachable").isEmpty();
            }
            inbox.restore();
            for (String contact : contacts) {
                assertThat(mailbox.await(contact, 1, Duration.ofSeconds(30)).get(0).subject()).contains("received");
            }
            Thread.sleep(1000);
            for (String contact : contacts) {
                assertThat(mailbox.read(contact, "INBOX")).as("one answer each").hasSize(1);
            }
            assertThat(certdesk.bean(JdbcClient.class).sql("select count(*) from certificate_request").query(Long.class).single())
                    .isEqualTo(contacts.size());
        }
    }
}
