package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.certdesk.notify.ReplyThrottle;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * certdesk's automatic replies cannot be aimed at someone else: an address written in a mail hears nothing until an
 * approver accepted the request, replies repeat little of the mail's text, and a flood of mails gets only a few
 * replies while every request is still taken in.
 */
class AutoRepliesIT extends EmbeddedCertdeskTest {

    @Autowired
    MeterRegistry metrics;

    @Autowired
    ReplyThrottle throttle;

    @Autowired
    PlatformTransactionManager transactionManager;

    private static String victim() {
        return "victim-" + UUID.randomUUID().toString().substring(0, 8) + "@other.test";
    }

    private static String organization(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static byte[] csr(String organizationId) {
        return TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId, TestCsrs.p384())).getBytes();
    }

    @Test
    void aThirdPartyNamedAsTechnicalContactHearsNothingUntilAnApproverAccepts() throws Exception {
        String sender = address("cannon");
        String victim = victim();
        String org = organization("cannon");
        MAILBOX.send(Mailbox.from(sender).subject("Your account is locked: call +1 555 0100 now")
                .body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n"
                        + "Technical contact: Urgent call +1 555 0100 now <" + victim + ">\n")
                .attach("client.csr", csr(org)));

        Mailbox.Received ack = MAILBOX.awaitOne(sender);
        String reference = referenceIn(ack.subject());
        assertThat(ack.subject()).contains("received");
        awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        Thread.sleep(1500);
        assertThat(MAILBOX.read(victim, "INBOX")).as("nothing for the address written in the mail before approval").isEmpty();
        assertThat(ack.text()).as("no greeting with a name the mail chose").startsWith("Hello,")
                .doesNotContain("Urgent call").doesNotContain("555 0100");

        decide("approver", awaitTask(reference, OnboardingProcess.APPROVE_REQUEST).getId(), Map.of("approved", true));
        awaitEnded(reference, "EndEvent_CertificateDelivered");
        List<Mailbox.Received> senderMails = MAILBOX.await(sender, 2, WAIT);
        assertThat(senderMails.get(1).attachmentText("client-cert.pem")).contains("BEGIN CERTIFICATE");
        List<Mailbox.Received> victimMails = MAILBOX.await(victim, 1, WAIT);
        assertThat(victimMails).as("after approval the certificate goes to the technical contact as well").hasSize(1);
        assertThat(victimMails.get(0).subject()).contains(reference).contains("Your client certificate");
    }

    @Test
    void aContactTheOrganizationAlreadyHasHearsOfARequestThatNamesIt() throws Exception {
        String org = organization("cannon-known");
        Issued first = onboard(org, "qa", TestCsrs.p384());
        String colleague = address("colleague");
        MAILBOX.send(Mailbox.from(colleague).body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n"
                + "Technical contact: Known <" + first.contact() + ">\n").attach("client.csr", csr(org)));
        String reference = referenceIn(MAILBOX.awaitOne(colleague).subject());
        List<Mailbox.Received> known = MAILBOX.await(first.contact(), 3, WAIT);
        assertThat(known).as("the registered contact hears of the new request").anyMatch(m -> m.subject().contains(reference));
    }

    @Test
    void refusalsAndKeyWarningsNamingAThirdPartyGoToTheSenderOnly() throws Exception {
        String sender = address("cannon-refused");
        String victim = victim();
        String org = organization("cannon-refused");
        // a CN that is not the organization id: refused by policy
        MAILBOX.send(Mailbox.from(sender).body("Organization ID: " + org + "\nTechnical contact: V <" + victim + ">\n")
                .attach("client.csr", csr("someone-else")));
        // a private key: the warning
        // a key of its own: certdesk treats a mailed key as compromised, and refuses certificates for it from then on
        var keys = TestCsrs.ec("secp384r1");
        MAILBOX.send(Mailbox.from(sender).body("Organization ID: " + org + "\nTechnical contact: V <" + victim + ">\n"
                + TestCsrs.privateKeyPem(keys)));
        List<Mailbox.Received> replies = MAILBOX.await(sender, 2, WAIT);
        assertThat(replies).extracting(Mailbox.Received::subject)
                .anyMatch(s -> s.contains("refused: please fix"))
                .anyMatch(s -> s.contains("SECURITY"));
        Thread.sleep(1500);
        assertThat(MAILBOX.read(victim, "INBOX")).as("no refusal or warning for the address written in the mail").isEmpty();
    }

    @Test
    void aFloodFromOneSenderGetsFiveRepliesAndEveryRequestIsTakenIn() throws Exception {
        String sender = address("flood");
        String org = organization("flood");
        int mails = 8;
        double throttledBefore = metrics.counter("certdesk.mails.throttled").count();
        for (int i = 0; i < mails; i++) {
            MAILBOX.send(Mailbox.from(sender).subject("request " + i)
                    .body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n").attach("client.csr", csr(org)));
        }

        List<String> references = awaitRequests(sender, mails);
        for (String reference : references) {
            Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
            assertThat(approval).as("every request reaches the approvers").isNotNull();
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (heldBack(sender) < mails - 5 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(1500);
        assertThat(MAILBOX.read(sender, "INBOX")).as("five replies, no more").hasSize(5);
        assertThat(heldBack(sender)).isEqualTo(mails - 5);
        assertThat(metrics.counter("certdesk.mails.throttled").count() - throttledBefore).isGreaterThanOrEqualTo(mails - 5);

        @SuppressWarnings("unchecked")
        Map<String, Object> components = (Map<String, Object>) http.getForEntity("/actuator/health", Map.class).getBody().get("components");
        @SuppressWarnings("unchecked")
        Map<String, Object> autoReplies = (Map<String, Object>) components.get("autoReplies");
        assertThat(autoReplies).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) autoReplies.get("details");
        assertThat(((Number) details.get("throttledLastHour")).longValue()).isGreaterThanOrEqualTo(mails - 5);
        assertThat(references).hasSize(mails);
    }

    @Test
    void aReplyStillBeingSentHoldsNoOtherReplyBack() throws Exception {
        // one reply's mail step has its decision and is still signing and sending (a slow relay): its transaction is open
        CountDownLatch decided = new CountDownLatch(1);
        CountDownLatch sent = new CountDownLatch(1);
        Thread slowRelay = new Thread(() -> new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
            throttle.permit(victim(), "acknowledgement", "CR-SLOW-RELAY");
            decided.countDown();
            try {
                sent.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        slowRelay.start();
        try {
            assertThat(decided.await(10, TimeUnit.SECONDS)).isTrue();
            // another request's reply is decided meanwhile, at once
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> throttle.permit(victim(), "acknowledgement", "CR-OTHER"));
            assertThat(other.get(5, TimeUnit.SECONDS)).as("decided while the first reply is still being sent").isTrue();
        } finally {
            sent.countDown();
            slowRelay.join();
        }
    }

    private long heldBack(String recipient) {
        return jdbc.sql("select count(*) from auto_reply where recipient = ? and throttled = true").param(recipient)
                .query(Long.class).single();
    }

    private List<String> awaitRequests(String sender, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> found = List.of();
        while (System.nanoTime() < deadline) {
            found = jdbc.sql("select reference from certificate_request where sender_email = ?").param(sender)
                    .query(String.class).list();
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + count + " requests from " + sender + ", found " + found.size());
    }
}
