package io.certdesk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.certdesk.revocation.RevocationProcess;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * Expiry reminders, renewal and expiry with certdesk's clock moved forward: each reminder is sent once, a
 * renewal stops them and retires the old certificate, and an expiry without renewal reaches the approvers. The
 * engine's clock stays: only the lifecycle sweep's timer is fired, not every other test's timers in the context.
 */
class LifecycleIT extends EmbeddedCertdeskTest {

    @Autowired
    ManagementService management;

    private Instant notAfter(String serial) {
        return jdbc.sql("select not_after from issued_certificate where serial = ?").param(serial)
                .query(Timestamp.class).single().toInstant();
    }

    private String status(String serial) {
        return jdbc.sql("select status from issued_certificate where serial = ?").param(serial).query(String.class).single();
    }

    /** Moves certdesk's clock to {@code now} and lets the job executor run the lifecycle sweep, as its timer would. */
    private void sweepAt(Instant now) throws InterruptedException {
        clock.moveTo(now);
        Set<String> before = finishedSweeps();
        Date due = new Date();
        String timerId;
        for (int attempt = 0; ; attempt++) {
            try {
                timerId = management.createJobQuery().processDefinitionKey(LifecycleProcesses.SWEEP).timers().singleResult().getId();
                management.setJobDuedate(timerId, due);
                break;
            } catch (OptimisticLockingException firedMeanwhile) {
                if (attempt > 20) {
                    throw firedMeanwhile;
                }
                Thread.sleep(50);
            }
        }
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!fired(timerId, due) || before.containsAll(finishedSweeps())
                || history.createHistoricProcessInstanceQuery().processDefinitionKey(LifecycleProcesses.SWEEP).unfinished().count() > 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the lifecycle sweep did not run");
            }
            Thread.sleep(50);
        }
    }

    /** The sweep's timer has run (and the sweep it started exists): it is gone or due again, at its next cycle. */
    private boolean fired(String timerId, Date due) {
        Job timer = management.createJobQuery().jobId(timerId).singleResult();
        return timer == null || timer.getDuedate().after(due);
    }

    private Set<String> finishedSweeps() {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(LifecycleProcesses.SWEEP).finished().list().stream()
                .map(HistoricProcessInstance::getId).collect(Collectors.toSet());
    }

    private List<Mailbox.Received> reminders(String contact) throws Exception {
        return MAILBOX.read(contact, "INBOX").stream().filter(m -> m.subject().contains("expires in")).toList();
    }

    private List<Mailbox.Received> awaitReminders(String contact, int count) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        List<Mailbox.Received> found = reminders(contact);
        while (found.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            found = reminders(contact);
        }
        assertThat(found).as("reminders to " + contact).hasSize(count);
        return found;
    }

    @Test
    void remindsAtEachOffsetOnceWithTheRotationCommands() throws Exception {
        Issued issued = onboard("life-remind", "qa", TestCsrs.ec("secp384r1"));
        Instant expiry = notAfter(issued.serial());
        assertThat(jdbc.sql("select days_before from expiry_reminder where serial = ? order by days_before desc")
                .param(issued.serial()).query(Integer.class).list()).containsExactly(30, 14, 7, 1);

        sweepAt(expiry.minus(Duration.ofDays(31)));
        Thread.sleep(1500);
        assertThat(reminders(issued.contact())).as("nothing is due 31 days before expiry").isEmpty();

        sweepAt(expiry.minus(Duration.ofDays(30)).plusSeconds(60));
        Mailbox.Received first = awaitReminders(issued.contact(), 1).get(0);
        assertThat(first.subject()).contains(issued.serial()).contains("life-remind").contains("expires in 30 days");
        assertThat(first.text()).contains("openssl ecparam -genkey -name secp384r1 -noout -out client-key.pem")
                .contains("openssl req -new -key client-key.pem -out client.csr -subj \"/C=NL/O=ACME BV/OU=API Client/CN=life-remind\"")
                .contains("Organization ID: life-remind").contains(expiry.toString());

        sweepAt(expiry.minus(Duration.ofDays(30)).plusSeconds(180));
        Thread.sleep(1500);
        awaitReminders(issued.contact(), 1);

        sweepAt(expiry.minus(Duration.ofDays(14)).plusSeconds(60));
        assertThat(awaitReminders(issued.contact(), 2).get(1).subject()).contains("expires in 14 days");

        sweepAt(expiry.minus(Duration.ofDays(1)).plusSeconds(60));
        List<Mailbox.Received> all = awaitReminders(issued.contact(), 3);
        assertThat(all.get(2).subject()).as("the 7-day reminder was missed: only the nearest one is sent").contains("expires in 1 day");
        Thread.sleep(1000);
        assertThat(reminders(issued.contact())).hasSize(3);
        assertThat(jdbc.sql("select count(*) from expiry_reminder where serial = ?").param(issued.serial())
                .query(Long.class).single()).isZero();
    }

    @Test
    void aRenewalStopsRemindersAndRetiresTheOldCertificateAfterTheGracePeriod() throws Exception {
        var keys = TestCsrs.ec("secp384r1");
        Issued old = onboard("life-renew", "qa", keys);
        String contact = old.contact();
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: life-renew\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=life-renew",
                        TestCsrs.ec("secp384r1"))).getBytes()));
        String reference = referenceIn(MAILBOX.await(contact, 3, WAIT).get(2).subject());
        Task approval = awaitTask(reference, "UserTask_ApproveRequest");
        assertThat(approvalFacts(approval).get("findings").toString())
                .contains("severity=NOTE, code=RENEWAL, message=Renews certificate " + old.serial()).contains("same subject").contains("a new key");
        decide("approver", approval.getId(), Map.of("approved", true));
        Mailbox.Received delivery = MAILBOX.await(contact, 4, WAIT).get(3);
        assertThat(delivery.text()).contains("This certificate replaces " + old.serial());
        awaitEnded(reference, "EndEvent_CertificateDelivered");
        assertThat(status(old.serial())).isEqualTo("SUPERSEDED");
        assertThat(jdbc.sql("select count(*) from expiry_reminder where serial = ?").param(old.serial())
                .query(Long.class).single()).as("no more reminders for the old certificate").isZero();

        sweepAt(Instant.now().plus(Duration.ofDays(6)));
        Thread.sleep(1500);
        assertThat(status(old.serial())).as("still valid during the grace period").isEqualTo("SUPERSEDED");

        sweepAt(Instant.now().plus(Duration.ofDays(7)).plusSeconds(600));
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!"REVOKED".equals(status(old.serial())) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(status(old.serial())).isEqualTo("REVOKED");
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(old.serial())
                .query(String.class).single()).isEqualTo("superseded");
        Mailbox.Received notice = MAILBOX.await(contact, 5, WAIT).get(4);
        assertThat(notice.subject()).contains(old.serial()).contains("superseded");
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey(RevocationProcess.KEY)
                .processInstanceBusinessKey(old.serial()).count()).isEqualTo(1);
    }

    @Test
    void remindersFollowAContactChangeMadeByAnAdmin() throws Exception {
        Issued issued = onboard("life-contact", "qa", TestCsrs.ec("secp384r1"));
        String successor = address("successor");
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        var entity = new HttpEntity<>("[{\"email\":\"" + successor + "\",\"name\":\"Sam Successor\"}]", headers);
        assertThat(http.exchange("/admin/organizations/life-contact/technical-contacts", HttpMethod.PUT,
                entity, String.class).getStatusCode().value()).isEqualTo(401);
        var response = http.withBasicAuth("admin", "admin").exchange("/admin/organizations/life-contact/technical-contacts",
                HttpMethod.PUT, entity, String.class);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getBody()).contains(successor).doesNotContain(issued.contact());

        sweepAt(notAfter(issued.serial()).minus(Duration.ofDays(30)).plusSeconds(60));
        assertThat(awaitReminders(successor, 1).get(0).subject()).contains(issued.serial());
        assertThat(reminders(issued.contact())).isEmpty();
    }

    @Test
    void anExpiryWithoutRenewalIsMarkedAndReachesTheApprovers() throws Exception {
        Issued issued = onboard("life-expire", "qa", TestCsrs.ec("secp384r1"));
        sweepAt(notAfter(issued.serial()).plusSeconds(60));
        Task review = null;
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (review == null && System.currentTimeMillis() < deadline) {
            review = tasks.createTaskQuery().processInstanceBusinessKey(issued.serial())
                    .taskDefinitionKey(LifecycleProcesses.REVIEW_EXPIRED).singleResult();
            Thread.sleep(100);
        }
        assertThat(review).as("approvers are told").isNotNull();
        assertThat(review.getName()).contains("life-expire").contains(issued.serial());
        assertThat(status(issued.serial())).isEqualTo("EXPIRED");
        assertThat(jdbc.sql("select count(*) from expiry_reminder where serial = ?").param(issued.serial())
                .query(Long.class).single()).isZero();
    }
}
