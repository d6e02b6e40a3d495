package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.certdesk.authority.Fingerprints;
import io.certdesk.inventory.Organizations;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every way a request can be refused, each asserting the reply the sender receives and that nothing was issued. */
class RejectionsIT extends EmbeddedCertdeskTest {

    private static final String SUBJECT = "C=NL,O=ACME BV,OU=API Client,CN=";

    @Autowired
    Organizations organizations;

    private static String body(String org) {
        return "Organization ID: " + org + "\nCompany: ACME BV\n";
    }

    private Mailbox.Received sendAndAwaitReply(String from, String body, String attachmentName, byte[] attachment) throws Exception {
        Mailbox.Draft draft = Mailbox.from(from).body(body);
        if (attachmentName != null) {
            draft.attach(attachmentName, attachment);
        }
        MAILBOX.send(draft);
        return MAILBOX.awaitOne(from);
    }

    private void assertNothingIssued(String reference) {
        assertThat(jdbc.sql("select count(*) from issued_certificate where request_reference = ?").param(reference)
                .query(Long.class).single()).isZero();
    }

    private void assertRefusedByPolicy(Mailbox.Received reply, String... expectedTexts) throws InterruptedException {
        String reference = referenceIn(reply.subject());
        assertThat(reply.subject()).contains("refused");
        assertThat(reply.text()).contains("Nothing was signed").contains(expectedTexts);
        awaitEnded(reference, OnboardingProcess.END_REJECTED_BY_POLICY);
        assertNothingIssued(reference);
    }

    @Test
    void rejectsACsrWhoseSignatureDoesNotVerify() throws Exception {
        String from = address("sig");
        Mailbox.Received reply = sendAndAwaitReply(from, body("acme-sig"), "client.csr",
                TestCsrs.pem(TestCsrs.csrWithForeignSignature(SUBJECT + "acme-sig")).getBytes());
        assertRefusedByPolicy(reply, "signature does not verify", "Make the CSR again");
    }

    @Test
    void rejectsAWeakRsaKeyAndSaysWhatSizeIsNeeded() throws Exception {
        String from = address("weak");
        Mailbox.Received reply = sendAndAwaitReply(from, body("acme-weak"), "client.csr",
                TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-weak", TestCsrs.rsa(1024))).getBytes());
        assertRefusedByPolicy(reply, "RSA key has 1024 bits; at least 2048 are required", "openssl genrsa -out client.key 2048");
    }

    @Test
    void rejectsCsrWhoseCommonNameIsNotTheOrganizationId() throws Exception {
        String from = address("cn");
        Mailbox.Received reply = sendAndAwaitReply(from, body("acme-cn"), "client.csr",
                TestCsrs.pem(TestCsrs.csr(SUBJECT + "someone-else", TestCsrs.p384())).getBytes());
        assertRefusedByPolicy(reply, "CN is \"someone-else\" but the organization id in your mail is \"acme-cn\"");
    }

    @Test
    void aNewOrganizationIdThatReadsLikeARegisteredOneIsRefused() throws Exception {
        // ACME-42 or acme_42 beside acme-42: a stranger's request passed for the registered organization's with the
        // approver (no warning that the sender is no contact of it), and its CN for the registered one's with careless
        // relying parties
        String registered = "case-" + UUID.randomUUID().toString().substring(0, 6);
        organizations.ensure(registered, "Case BV", Instant.now());
        for (String posing : List.of(registered.toUpperCase(Locale.ROOT), registered.replace('-', '_'))) {
            Mailbox.Received reply = sendAndAwaitReply(address("posing"), body(posing), "client.csr",
                    TestCsrs.pem(TestCsrs.csr(SUBJECT + posing, TestCsrs.p384())).getBytes());
            assertRefusedByPolicy(reply, "reads like the organization id " + registered + ", which is taken", "ORGANIZATION_ID_TAKEN");
        }
    }

    @Test
    void reportsEveryMissingFieldInOneReply() throws Exception {
        String from = address("fields");
        Mailbox.Received reply = sendAndAwaitReply(from, "please sign", "client.csr",
                TestCsrs.pem(TestCsrs.csr("C=Netherlands,OU=API Client", TestCsrs.p384())).getBytes());
        assertRefusedByPolicy(reply, "no CN", "no O (organization", "two-letter country code");
        assertThat(reply.text()).contains("1. ").contains("2. ").contains("3. ");
    }

    @Test
    void aRefusalRepeatsNoSentenceWrittenAsAFileNameAndListsAFewOfManyProblems() throws Exception {
        // a mail "from" someone else, whose attachment names are a message certdesk would sign and send to them
        String victim = address("named-victim");
        Mailbox.Draft draft = Mailbox.from(victim).body(body("acme-named"));
        for (int i = 1; i <= 40; i++) {
            draft.attach("Your access was suspended, call +1 555 0100 or visit pay-acme.example to restore it " + i + ".csr",
                    ("not a csr " + i).getBytes());
        }
        MAILBOX.send(draft);
        Mailbox.Received reply = MAILBOX.awaitOne(victim);
        assertThat(reply.subject()).contains("refused");
        assertThat(reply.text()).doesNotContain("suspended").doesNotContain("555").doesNotContain("pay-acme")
                .contains("attachment 1 is named like a CSR").contains("and 35 more");
        assertThat(reply.text().length()).as("a reply of the usual size").isLessThan(6000);
    }

    @Test
    void refusesAMailCarryingAPrivateKeyKeepsNothingAndAlertsApprovers() throws Exception {
        String from = address("leak");
        var keys = TestCsrs.ec("secp384r1");
        String keyPem = TestCsrs.privateKeyPem(keys);
        MAILBOX.send(Mailbox.from(from).body(body("acme-leak"))
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-leak", keys)).getBytes())
                .attach("client-key.pem", keyPem.getBytes()));
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        String reference = referenceIn(reply.subject());
        assertThat(reply.subject()).contains("SECURITY").contains("private key");
        assertThat(reply.text()).contains("attachment client-key.pem").contains("compromised").contains("openssl ecparam -genkey");

        Task review = awaitTask(reference, OnboardingProcess.REVIEW_EXPOSED_KEY);
        assertThat(tasks.getVariables(review.getId())).containsEntry(OnboardingProcess.PRIVATE_KEY_FINDINGS,
                "attachment client-key.pem (it holds a PEM private key)");
        assertNothingIssued(reference);
        String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        for (String table : List.of("certificate_request", "intake_mail", "issued_certificate")) {
            for (Map<String, Object> row : jdbc.sql("select * from " + table).query().listOfRows()) {
                assertThat(row.toString()).doesNotContain("PRIVATE KEY").doesNotContain(keyBody);
            }
        }
        assertThat(jdbc.sql("select count(*) from act_ru_variable where text_ like '%PRIVATE KEY-----%' or text2_ like '%PRIVATE KEY-----%'")
                .query(Long.class).single()).isZero();
        assertThat(MAILBOX.read(Mailbox.SUPPORT, "Processed")).noneMatch(m -> m.text().contains("acme-leak"));
        assertThat(MAILBOX.read(Mailbox.SUPPORT, "INBOX")).noneMatch(m -> m.text().contains("acme-leak"));
    }

    @Test
    void answersAMailWithoutCsrPolitelyAndKeepsItAside() throws Exception {
        String from = address("question");
        MAILBOX.send(Mailbox.from(from).subject("Question about your API").body("Hello, how do I get API access?"));
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        String reference = referenceIn(reply.subject());
        assertThat(reply.subject()).contains("Question about your API");
        assertThat(reply.text()).contains("held no certificate signing request").contains("openssl req -new");
        awaitEnded(reference, OnboardingProcess.END_NOT_A_REQUEST);
        long deadline = System.currentTimeMillis() + 10_000;
        while (MAILBOX.read(Mailbox.SUPPORT, "Not-a-request").stream().noneMatch(m -> m.subject().contains("Question about your API"))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(MAILBOX.read(Mailbox.SUPPORT, "Not-a-request")).anyMatch(m -> m.subject().equals("Question about your API"));
    }

    @Test
    void rejectsAnAttachedCsrFileThatIsDamaged() throws Exception {
        String from = address("damaged");
        String pem = TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-damaged", TestCsrs.p384()));
        String damaged = pem.substring(0, pem.length() / 2) + "\n-----END CERTIFICATE REQUEST-----\n";
        Mailbox.Received reply = sendAndAwaitReply(from, body("acme-damaged"), "client.csr", damaged.getBytes(StandardCharsets.US_ASCII));
        assertRefusedByPolicy(reply, "Attach the .csr file exactly as openssl wrote it");
    }

    @Test
    void theSameMessageIdTwiceStartsOneRequestAndOneReply() throws Exception {
        String from = address("twice");
        String messageId = "<" + from.replace("@", ".") + "@acme.test>";
        byte[] csr = TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-twice", TestCsrs.p384())).getBytes();
        MAILBOX.send(Mailbox.from(from).messageId(messageId).body(body("acme-twice")).attach("client.csr", csr));
        String reference = referenceIn(MAILBOX.awaitOne(from).subject());
        MAILBOX.send(Mailbox.from(from).messageId(messageId).body(body("acme-twice")).attach("client.csr", csr));
        awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        awaitSupportInboxEmpty();
        Thread.sleep(1000);
        assertThat(MAILBOX.await(from, 1, Duration.ofSeconds(1))).hasSize(1);
        assertThat(jdbc.sql("select count(*) from certificate_request where message_id = ?").param(messageId)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(processCount(reference)).isEqualTo(1);
    }

    @Test
    void theCopyAMailingListPassesOnWithAFooterAndASubjectTagIsNotASecondRequest() throws Exception {
        String from = address("listed");
        String messageId = "<" + from.replace("@", ".") + "@acme.test>";
        byte[] csr = TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-listed", TestCsrs.p384())).getBytes();
        MAILBOX.send(Mailbox.from(from).messageId(messageId).body(body("acme-listed")).attach("client.csr", csr));
        String reference = referenceIn(MAILBOX.awaitOne(from).subject());
        MAILBOX.send(Mailbox.from(from).messageId(messageId).subject("[support-list] Certificate request")
                .body(body("acme-listed") + "\n-- \nYou receive this mail as a member of support-list.\n").attach("client.csr", csr));
        awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        awaitSupportInboxEmpty();
        Thread.sleep(1000);
        assertThat(MAILBOX.read(from, "INBOX")).hasSize(1);
        assertThat(jdbc.sql("select count(*) from certificate_request where message_id = ?").param(messageId)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aMessageIdSomeoneElseUsedFirstDoesNotDropTheClientsMail() throws Exception {
        // the client's mail program makes guessable Message-IDs; someone sends a mail under the next one first
        String client = address("squatted");
        String messageId = "<" + client.replace("@", ".") + "@acme.test>";
        MAILBOX.send(Mailbox.from(address("squatter")).messageId(messageId).body("hello"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (jdbc.sql("select count(*) from intake_mail where message_id = ?").param(messageId).query(Long.class).single() == 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        byte[] csr = TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-squatted", TestCsrs.p384())).getBytes();
        MAILBOX.send(Mailbox.from(client).messageId(messageId).body(body("acme-squatted")).attach("client.csr", csr));
        String reference = referenceIn(MAILBOX.awaitOne(client).subject());
        awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
    }

    @Test
    void aMailTakenInBeforeAnUpgradeIsStillADuplicateWhenReadAgain() throws Exception {
        // recorded as certdesk recorded mails before their identity included sender and content
        String client = address("upgraded");
        String messageId = "<" + client.replace("@", ".") + "@acme.test>";
        jdbc.sql("insert into intake_mail (message_id_hash, message_id, sender, subject, received_at, outcome) "
                        + "values (?, ?, ?, 'Certificate request', current_timestamp, 'REQUEST_STARTED')")
                .params(Fingerprints.sha256Hex(messageId.getBytes(StandardCharsets.UTF_8)), messageId, client).update();
        byte[] csr = TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-upgraded", TestCsrs.p384())).getBytes();
        MAILBOX.send(Mailbox.from(client).messageId(messageId).body(body("acme-upgraded")).attach("client.csr", csr));
        awaitSupportInboxEmpty();
        Thread.sleep(2000);
        assertThat(MAILBOX.read(client, "INBOX")).as("no second acknowledgement").isEmpty();
        assertThat(jdbc.sql("select count(*) from certificate_request where message_id = ?").param(messageId)
                .query(Long.class).single()).isZero();
    }

    @Test
    void neverAnswersAnAutoReply() throws Exception {
        String from = address("vacation");
        MAILBOX.send(Mailbox.from(from).subject("Out of office").header("Auto-Submitted", "auto-replied").body("I am away."));
        long deadline = System.currentTimeMillis() + 10_000;
        while (MAILBOX.read(Mailbox.SUPPORT, "Ignored").stream().noneMatch(m -> m.subject().equals("Out of office"))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(MAILBOX.read(Mailbox.SUPPORT, "Ignored")).anyMatch(m -> m.subject().equals("Out of office"));
        assertThat(MAILBOX.read(from, "INBOX")).isEmpty();
    }

    @Test
    void anApproverRejectionNeedsAReasonAndTheClientGetsIt() throws Exception {
        String from = address("declined");
        MAILBOX.send(Mailbox.from(from).body(body("acme-declined"))
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr(SUBJECT + "acme-declined", TestCsrs.p384())).getBytes()));
        String reference = referenceIn(MAILBOX.awaitOne(from).subject());
        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        Assertions.assertThatThrownBy(() -> decide("approver", approval.getId(), Map.of(OnboardingProcess.APPROVED, false)))
                .hasMessageContaining("A rejection needs a reason");
        decide("approver", approval.getId(), Map.of(OnboardingProcess.APPROVED, false,
                OnboardingProcess.REJECTION_REASON, "We have no contract with acme-declined yet."));
        Mailbox.Received rejection = MAILBOX.await(from, 2, WAIT).get(1);
        assertThat(rejection.subject()).contains(reference).contains("rejected");
        assertThat(rejection.text()).contains("We have no contract with acme-declined yet.");
        awaitEnded(reference, OnboardingProcess.END_REJECTED);
        assertNothingIssued(reference);
    }

    /** Waits (up to 10 s) until certdesk has taken every mail out of the support inbox. */
    private static void awaitSupportInboxEmpty() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!MAILBOX.read(Mailbox.SUPPORT, "INBOX").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }
}
