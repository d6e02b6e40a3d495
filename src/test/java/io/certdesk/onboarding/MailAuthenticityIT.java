package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestDkim;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The approver learns whether a request's mail provably comes from its sender's domain (DKIM), from mails signed
 * by the sender's mail server and forged ones; an organization that requires it gets unsigned requests refused.
 */
class MailAuthenticityIT extends EmbeddedCertdeskTest {

    private static String signingDomainAddress(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@" + TestDkim.DOMAIN;
    }

    private static byte[] request(String from, String organizationId) throws Exception {
        return Mailbox.render(Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId,
                        TestCsrs.ec("secp256r1"))).getBytes()));
    }

    private String findings(String sender) throws Exception {
        String reference = referenceIn(MAILBOX.awaitOne(sender).subject());
        Task approval = awaitTask(reference, "UserTask_ApproveRequest");
        return approvalFacts(approval).get("findings").toString();
    }

    @Test
    void aRequestSignedByTheSendersDomainIsShownAsAuthenticated() throws Exception {
        String sender = signingDomainAddress("jane");
        MAILBOX.sendExactly(sender, TestDkim.sign(request(sender, "dkim-signed-org")));

        assertThat(findings(sender)).contains("severity=NOTE, code=MAIL_AUTHENTICATED").contains("dkim.test")
                .doesNotContain("MAIL_NOT_AUTHENTICATED");
        // the verdict is for the approver: the acknowledgement does not repeat it to the sender
        assertThat(MAILBOX.awaitOne(sender).text()).doesNotContain("authenticated");
    }

    @Test
    void aRequestWhoseFromNamesAnotherDomainThanItsSignatureWarnsTheApprover() throws Exception {
        String sender = address("ceo");
        MAILBOX.sendExactly(sender, TestDkim.sign(request(sender, "dkim-forged-org")));

        assertThat(findings(sender)).contains("severity=WARNING, code=MAIL_NOT_AUTHENTICATED")
                .contains("a signature by dkim.test verifies, but the mail is from acme.test").contains("may be forged");
    }

    @Test
    void aRequestChangedAfterSigningWarnsTheApprover() throws Exception {
        String sender = signingDomainAddress("changed");
        String signed = new String(TestDkim.sign(request(sender, "dkim-changed-org")), StandardCharsets.ISO_8859_1);
        MAILBOX.sendExactly(sender, signed.replace("Company: ACME BV", "Company: EVIL BV").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(findings(sender)).contains("code=MAIL_NOT_AUTHENTICATED").containsIgnoringCase("body");
    }

    @Test
    void anOrganizationRequiringDkimHasUnsignedRequestsRefusedAndSignedOnesReachTheApprover() throws Exception {
        Issued first = onboard("dkim-required-org", "qa", TestCsrs.ec("secp256r1"));
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        HttpEntity<String> require = new HttpEntity<>("{\"requireDkim\": true}", json);
        String policy = "/admin/organizations/dkim-required-org/mail-policy";
        assertThat(http.exchange(policy, HttpMethod.PUT, require, String.class).getStatusCode().value()).isEqualTo(401);
        ResponseEntity<String> set = http.withBasicAuth("admin", "admin").exchange(policy, HttpMethod.PUT, require, String.class);
        assertThat(set.getStatusCode().value()).isEqualTo(200);
        assertThat(set.getBody()).contains("\"requireDkim\":true");
        assertThat(http.withBasicAuth("admin", "admin").exchange(policy, HttpMethod.PUT,
                new HttpEntity<>("{}", json), String.class).getStatusCode().value()).isEqualTo(400);

        // the organization's own contact, in plain unsigned mail: refused, with how to fix it
        MAILBOX.send(Mailbox.from(first.contact()).body("Organization ID: dkim-required-org\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=dkim-required-org",
                        TestCsrs.ec("secp256r1"))).getBytes()));
        Mailbox.Received refusal = MAILBOX.await(first.contact(), 3, WAIT).get(2);
        assertThat(refusal.subject()).contains("refused");
        assertThat(refusal.text()).contains("MAIL_AUTHENTICATION_REQUIRED").contains("DKIM");

        // the same organization's request signed by its sender's domain goes to the approver
        String signedSender = signingDomainAddress("dkim-required");
        MAILBOX.sendExactly(signedSender, TestDkim.sign(request(signedSender, "dkim-required-org")));
        assertThat(findings(signedSender)).contains("code=MAIL_AUTHENTICATED").doesNotContain("MAIL_AUTHENTICATION_REQUIRED");
    }

    @Test
    void theMailPolicyOfAnUnknownOrganizationIsNotFound() {
        assertThat(http.withBasicAuth("admin", "admin").exchange("/admin/organizations/no-such-org/mail-policy", HttpMethod.PUT,
                new HttpEntity<>(Map.of("requireDkim", true)), String.class).getStatusCode().value()).isEqualTo(404);
    }
}
