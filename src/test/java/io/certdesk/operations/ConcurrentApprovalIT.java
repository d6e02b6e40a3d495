package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Two approvers complete the same task at the same moment: one decision counts, one certificate, one mail. */
class ConcurrentApprovalIT extends EmbeddedCertdeskTest {

    @Autowired
    IdentityService identity;

    @Test
    void twoApproversCompletingTheSameTaskAtOnceIssueOneCertificate() throws Exception {
        approverUser("approver3");
        String contact = address("race");
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: race-1\nCompany: Race BV\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Race BV,CN=race-1", TestCsrs.p384())).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(contact).subject());
        String taskId = awaitTask(reference, "UserTask_ApproveRequest").getId();

        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        HttpEntity<String> approve = new HttpEntity<>("{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}}}", headers);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<ResponseEntity<String>>> calls = new ArrayList<>();
        for (String[] user : List.of(new String[]{"approver", "approver"}, new String[]{"approver3", "approver3-secret"})) {
            calls.add(pool.submit(() -> {
                start.await();
                return http.withBasicAuth(user[0], user[1]).postForEntity("/engine-rest/task/" + taskId + "/complete", approve, String.class);
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<ResponseEntity<String>> call : calls) {
            statuses.add(call.get().getStatusCode().value());
        }
        pool.shutdown();

        assertThat(statuses).as("one completion wins; the other is told the task is gone or changed").contains(204)
                .filteredOn(s -> s != 204).allSatisfy(s -> assertThat(s).isBetween(400, 599));
        Mailbox.Received delivery = MAILBOX.await(contact, 2, WAIT).get(1);
        assertThat(delivery.subject()).contains(reference).contains("Your client certificate");
        awaitEnded(reference, "EndEvent_CertificateDelivered");
        Thread.sleep(1000);
        assertThat(MAILBOX.read(contact, "INBOX")).as("one acknowledgement, one certificate mail").hasSize(2);
        assertThat(jdbc.sql("select count(*) from issued_certificate where request_reference = ?").param(reference)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(history.createHistoricTaskInstanceQuery().taskId(taskId).singleResult().getDeleteReason()).isEqualTo("completed");
        assertThat(Map.of("decided_by", jdbc.sql("select decided_by from certificate_request where reference = ?")
                .param(reference).query(String.class).single())).extractingByKey("decided_by").isIn("approver", "approver3");
    }
}
