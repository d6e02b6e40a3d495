package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Rest;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import io.certdesk.trust.PartnerTrustProcess;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who decided is the logged-in user, whatever an approver sends through the task API: variables naming a first
 * approver, a task assigned to someone else, variables that point the process at another request.
 */
class DecisionsOverRestIT extends EmbeddedCertdeskTest {

    private static final Instant NOW = Instant.now();

    @BeforeEach
    void secondApprover() {
        approverUser("approver2");
    }

    private Rest as(String user, String password) {
        return Rest.basic(http.getRootUri(), user, password);
    }

    @Test
    void oneApproverCannotMakeBothPartnerTrustDecisions() throws Exception {
        TestPki.Issued root = TestPki.root("CN=Eyes Root CA,O=Eyes", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)));
        TestPki.Issued intermediate = TestPki.intermediate("CN=Eyes Issuing CA,O=Eyes", root, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(1000)));
        TestPki.Issued leaf = TestPki.leaf("CN=eyes-client,O=Eyes Client", intermediate, KeyPurposeId.id_kp_clientAuth);
        String from = address("eyes");
        MAILBOX.send(Mailbox.from(from).subject("Our partner certificate").body("Organization ID: eyes-1\nEnvironment: qa\n")
                .attach("chain.pem", (leaf.pem() + intermediate.pem() + root.pem()).getBytes()));
        String ack = MAILBOX.awaitOne(from).subject();
        String reference = ack.substring(ack.indexOf("TR-"), ack.indexOf(']'));
        Rest approver = as("approver", "approver");

        Task first = awaitTask(reference, PartnerTrustProcess.FIRST_APPROVAL);
        assertThat(approver.post("/engine-rest/task/" + first.getId() + "/complete",
                "{\"variables\":{\"firstApproved\":{\"value\":true}}}").status()).isEqualTo(204);

        Task second = awaitTask(reference, PartnerTrustProcess.SECOND_APPROVAL);
        // the record of the first decision cannot be rewritten through the task API ...
        Rest.Response forged = approver.post("/engine-rest/task/" + second.getId() + "/complete",
                "{\"variables\":{\"secondApproved\":{\"value\":true},\"firstApprover\":{\"value\":\"approver2\"}}}");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body()).contains("firstApprover");
        assertThat(approver.put("/engine-rest/task/" + second.getId() + "/variables/firstApprover",
                "{\"value\":\"approver2\",\"type\":\"String\"}").status()).isEqualTo(403);
        // nor can the task be pointed at another trust request whose first decision someone else made (a trailing
        // slash reaches the same endpoint)
        assertThat(approver.put("/engine-rest/task/" + second.getId() + "/localVariables/trustRequestId/",
                "{\"value\":1,\"type\":\"Long\"}").status()).isEqualTo(403);
        assertThat(approver.put("/engine-rest/task/" + second.getId() + "/variables/trustWarnings/",
                "{\"value\":\"\",\"type\":\"String\"}").status()).as("the public-root warning stays").isEqualTo(403);
        // ... and assigning the task to someone else does not make them the decider
        assertThat(approver.post("/engine-rest/task/" + second.getId() + "/assignee", "{\"userId\":\"approver2\"}").status())
                .isEqualTo(204);
        Rest.Response same = approver.post("/engine-rest/task/" + second.getId() + "/complete",
                "{\"variables\":{\"secondApproved\":{\"value\":true}}}");
        assertThat(same.status()).isEqualTo(500);
        assertThat(same.body()).contains("Four eyes");
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(reference).count()).isEqualTo(1);

        assertThat(as("approver2", "approver2-secret").post("/engine-rest/task/" + second.getId() + "/complete",
                "{\"variables\":{\"secondApproved\":{\"value\":true}}}").status()).isEqualTo(204);
        awaitEnded(reference, PartnerTrustProcess.END_TRUSTED);
        assertThat(jdbc.sql("select first_decided_by || ',' || second_decided_by from trust_request where reference = ?")
                .param(reference).query(String.class).single()).isEqualTo("approver,approver2");
        assertThat(jdbc.sql("select distinct actor from trust_audit where reference = ?").param(reference).query(String.class).list())
                .containsExactly("approver, approver2");
    }

    @Test
    void theOnboardingDecisionIsRecordedForTheLoggedInUserNotTheAssigneeOrAVariable() throws Exception {
        String from = address("decided");
        MAILBOX.send(Mailbox.from(from).body("Organization ID: decided-1\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=decided-1", TestCsrs.p384())).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(from).subject());
        Task task = awaitTask(reference, "UserTask_ApproveRequest");
        Rest approver = as("approver", "approver");

        Rest.Response redirected = approver.post("/engine-rest/task/" + task.getId() + "/complete",
                "{\"variables\":{\"approved\":{\"value\":true},\"requestId\":{\"value\":1,\"type\":\"Long\"}}}");
        assertThat(redirected.status()).as("a completion may not point the process at another request").isEqualTo(403);
        assertThat(redirected.body()).contains("requestId");
        assertThat(approver.put("/engine-rest/task/" + task.getId() + "/variables/requestId/", "{\"value\":1,\"type\":\"Long\"}").status())
                .as("a trailing slash reaches the same endpoint").isEqualTo(403);
        assertThat(approver.post("/engine-rest/task/" + task.getId() + "/bpmnError", "{\"errorCode\":\"REQUEST_INVALID\"}").status())
                .as("a task ends with its decision").isEqualTo(403);

        assertThat(approver.post("/engine-rest/task/" + task.getId() + "/assignee", "{\"userId\":\"admin\"}").status()).isEqualTo(204);
        assertThat(approver.post("/engine-rest/task/" + task.getId() + "/complete",
                "{\"variables\":{\"approved\":{\"value\":true}}}").status()).isEqualTo(204);
        awaitEnded(reference, "EndEvent_CertificateDelivered");
        assertThat(jdbc.sql("select decided_by from certificate_request where reference = ?").param(reference)
                .query(String.class).single()).isEqualTo("approver");
    }

    @Test
    void aRevocationApprovalRecordsTheLoggedInApprover() throws Exception {
        Issued issued = onboard("revoked-by-1", "qa", TestCsrs.p384());
        Rest admin = as("admin", "admin");
        assertThat(admin.post("/admin/revocations", "{\"certificate\":\"" + issued.serial() + "\",\"reason\":\"superseded\"}").status())
                .isEqualTo(202);
        Task approval = awaitTask(issued.serial(), "UserTask_ApproveRevocation");
        Rest approver = as("approver", "approver");
        assertThat(approver.post("/engine-rest/task/" + approval.getId() + "/complete",
                "{\"variables\":{\"approved\":{\"value\":true},\"decidedBy\":{\"value\":\"someone else\"}}}").status()).isEqualTo(403);
        assertThat(approver.put("/engine-rest/task/" + approval.getId() + "/variables/serial/", "{\"value\":\"01\",\"type\":\"String\"}")
                .status()).as("the task revokes the certificate it names").isEqualTo(403);
        assertThat(approver.put("/engine-rest/task/" + approval.getId() + "/localVariables/decidedBy/", "{\"value\":\"x\",\"type\":\"String\"}")
                .status()).isEqualTo(403);
        assertThat(approver.post("/engine-rest/task/" + approval.getId() + "/complete",
                "{\"variables\":{\"approved\":{\"value\":true}}}").status()).isEqualTo(204);
        awaitEnded(issued.serial(), "EndEvent_CertificateRevoked");
        assertThat(jdbc.sql("select revoked_by from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("requested by admin, approved by approver");
    }
}
