package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.certdesk.inventory.Organizations;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An organization that requires DKIM keeps its requirement while the operator has DKIM checking switched off:
 * a mail that was not checked is not authenticated, so a forged From gets neither a request nor a revocation to an
 * approver.
 */
class DkimCheckingOffIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    final int smtp = Ports.free();
    final int imap = Ports.free();
    final Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);

    @Test
    void unsignedMailOfAnOrganizationRequiringDkimIsRefusedWhileCheckingIsOff() throws Exception {
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "dkim-off");
        properties.put("certdesk.mail-authentication.enabled", false);
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            String contact = "dana@dkim-off.test";
            mailbox.send(Mailbox.from(contact).body("Organization ID: dkim-off-org\nCompany: Off BV\nEnvironment: qa\n")
                    .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Off BV,CN=dkim-off-org", TestCsrs.p384())).getBytes()));
            String subject = mailbox.awaitOne(contact).subject();
            String reference = subject.substring(subject.indexOf("CR-"), subject.indexOf(']'));
            Approvals.complete(certdesk, "approver", certdesk.awaitApprovalTask(reference).getId(), Map.of(OnboardingProcess.APPROVED, true));
            mailbox.await(contact, 2, WAIT);
            JdbcClient jdbc = certdesk.bean(JdbcClient.class);
            String serial = jdbc.sql("select serial from issued_certificate where request_reference = ?").param(reference)
                    .query(String.class).single();
            certdesk.bean(Organizations.class).requireDkim("dkim-off-org", true);

            // anyone can write the contact's address in a From; certdesk checked no signature
            mailbox.send(Mailbox.from(contact).body("Organization ID: dkim-off-org\nCompany: Off BV\nEnvironment: qa\n")
                    .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=Off BV,CN=dkim-off-org", TestCsrs.p384())).getBytes()));
            Mailbox.Received refusal = mailbox.await(contact, 3, WAIT).get(2);
            assertThat(refusal.subject()).contains("refused");
            assertThat(refusal.text()).contains("MAIL_AUTHENTICATION_REQUIRED").contains("does not check DKIM signatures");

            mailbox.send(Mailbox.from(contact).subject("revoke").body("Revoke: " + serial + "\nReason: keyCompromise\n"));
            List<Mailbox.Received> mails = mailbox.await(contact, 4, WAIT);
            assertThat(mails.get(3).subject()).contains("not carried out");
            assertThat(mails.get(3).text()).contains("dkim-off-org requires its mail to certdesk to be DKIM-signed");
            assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(serial).query(String.class).single())
                    .isEqualTo("ACTIVE");
            assertThat(certdesk.bean(TaskService.class).createTaskQuery().count()).as("nothing for an approver").isZero();
        }
    }
}
