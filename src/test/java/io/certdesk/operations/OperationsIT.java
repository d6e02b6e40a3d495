package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** What an operator and a security reviewer check: health, metrics, and who sees which tasks. */
class OperationsIT extends EmbeddedCertdeskTest {

    @Autowired
    IdentityService identity;

    @Test
    void healthCoversDatabaseMailCaKeysAndTheInbox() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        ResponseEntity<Map> health = http.getForEntity("/actuator/health", Map.class);
        while (health.getStatusCode() != HttpStatus.OK && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            health = http.getForEntity("/actuator/health", Map.class);
        }
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, Object> components = (Map<String, Object>) health.getBody().get("components");
        assertThat(components).containsKeys("db", "mail", "certificateAuthorities", "supportInbox");
        assertThat(components.get("certificateAuthorities").toString()).contains("UP").contains("qa").contains("production");
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthAskedAgainAndAgainContactsTheMailRelayOnceAtMost() {
        // health is public: each request must not become a connection and login at the company's mail server
        List<Object> checks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Map<String, Object> components = (Map<String, Object>) http.getForEntity("/actuator/health", Map.class).getBody().get("components");
            checks.add(((Map<String, Object>) ((Map<String, Object>) components.get("mail")).get("details")).get("checkedAt"));
        }
        assertThat(checks).doesNotContainNull();
        assertThat(new HashSet<>(checks)).as("relay probes for 20 health requests").hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void metricsNeedAnAdminAndCountWhatHappened() throws Exception {
        onboard("ops-metrics", "qa", TestCsrs.ec("secp384r1"));
        assertThat(http.getForEntity("/actuator/prometheus", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        String metrics = http.withBasicAuth("admin", "admin").getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("certdesk_mails_received_total{outcome=\"request_started\"}")
                .contains("certdesk_requests_approved_total").contains("certdesk_certificates_issued_total{environment=\"qa\"}")
                .contains("certdesk_mails_needs_attention_total");
    }

    @Test
    void historyOfAFinishedOnboardingIsRemovedAfterItsTimeToLiveWhileWaitingRequestsAndCertificatesStay() throws Exception {
        Issued issued = onboard("ops-history", "qa", TestCsrs.ec("secp384r1"));
        String contact = address("ops-history-waiting");
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: ops-history-waiting\nCompany: ACME BV\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=ops-history-waiting", TestCsrs.p384())).getBytes()));
        String waiting = referenceIn(MAILBOX.awaitOne(contact).subject());
        awaitTask(waiting, "UserTask_ApproveRequest");
        // the onboarding process keeps its history 180 days after it ended (historyTimeToLive, counted from the end
        // time at cleanup): this onboarding's history is made to have ended 181 days ago, as moving the engine's clock
        // on would, without moving it, which would fire every open timer and clean up every test's history
        assertThat(jdbc.sql("update ACT_HI_PROCINST set END_TIME_ = ? where BUSINESS_KEY_ = ? and END_TIME_ is not null")
                .params(Timestamp.from(Instant.now().minus(Duration.ofDays(181))), issued.reference()).update())
                .as("finished onboarding history").isOne();
        Job cleanup = history.cleanUpHistoryAsync(true);
        // the running job executor may take the cleanup job at the same moment: whichever runs it, it runs;
        // a run lost to the other one is tried again
        long deadline = System.currentTimeMillis() + 30_000;
        while (processCount(issued.reference()) > 0 && System.currentTimeMillis() < deadline) {
            try {
                engine.getManagementService().executeJob(cleanup.getId());
            } catch (OptimisticLockingException takenByTheJobExecutor) {
                Thread.sleep(100);
            }
        }
        assertThat(processCount(issued.reference())).as("history of the finished onboarding").isZero();
        assertThat(processCount(waiting)).as("history of the request still waiting for approval").isOne();
        assertThat(jdbc.sql("select count(*) from issued_certificate where serial = ?").param(issued.serial()).query(Long.class).single())
                .as("certdesk's own record of the certificate").isOne();
    }

    @Test
    void completingATaskFindsItsSubtasksByIndexNotByReadingEveryOpenTask() {
        // the engine's H2 and PostgreSQL schemas leave ACT_RU_TASK.PARENT_TASK_ID_ unindexed; certdesk adds the index
        assertThat(jdbc.sql("select column_name from information_schema.index_columns where table_name = 'ACT_RU_TASK'")
                .query(String.class).list()).contains("PARENT_TASK_ID_");
    }

    @Test
    void onlyApproversSeeApprovalTasks() throws Exception {
        if (identity.createUserQuery().userId("viewer").count() == 0) {
            User viewer = identity.newUser("viewer");
            viewer.setPassword("viewer-secret");
            identity.saveUser(viewer);
        }
        String contact = address("visibility");
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: ops-visible\nCompany: ACME BV\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=ops-visible", TestCsrs.p384())).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(contact).subject());
        awaitTask(reference, "UserTask_ApproveRequest");
        String query = "/engine-rest/task?processInstanceBusinessKey=" + reference;
        assertThat(http.withBasicAuth("approver", "approver").getForObject(query, String.class)).contains(reference);
        assertThat(http.withBasicAuth("viewer", "viewer-secret").getForObject(query, String.class)).isEqualTo("[]");
    }
}
