package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Polling;
import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.Test;

/** Broken and hostile mail: each gets a clear answer, nothing is issued, nothing escapes as a stuck mail. */
class HostileMailIT extends EmbeddedCertdeskTest {

    private static final String CSR = TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=hostile-1", TestCsrs.p384()));

    private static String headers(String from, String subject, String contentType) {
        return headers(from, subject, contentType, "<" + UUID.randomUUID() + "@hostile.test>");
    }

    private static String headers(String from, String subject, String contentType, String messageId) {
        return "From: " + from + "\r\nTo: support@certdesk.local\r\nSubject: " + subject + "\r\nMessage-ID: " + messageId
                + "\r\nMIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\n\r\n";
    }

    private void assertNothingIssuedFor(String from) {
        assertThat(jdbc.sql("select count(*) from issued_certificate c join certificate_request r on r.reference = c.request_reference "
                + "where r.sender_email = ?").param(from).query(Long.class).single()).isZero();
    }

    /** A client's valid request, sent right after a hostile mail: its acknowledgement must not wait for that mail. */
    private String aClientRequestsACertificate(String name) throws Exception {
        String client = address(name);
        MAILBOX.sendRaw(headers(client, "Certificate request", "text/plain; charset=UTF-8")
                + "Organization ID: hostile-1\r\n" + CSR.replace("\n", "\r\n"));
        return client;
    }

    @Test
    void anHtmlPartOfNothingButAngleBracketsDoesNotHoldUpTheNextClientsRequest() throws Exception {
        String from = address("brackets");
        String html = Base64.getMimeEncoder().encodeToString("<".repeat(250_000).getBytes());
        MAILBOX.sendRaw(headers(from, "hello", "multipart/alternative; boundary=\"alt\"")
                + "--alt\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                + "--alt\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" + html + "\r\n--alt--\r\n");
        String client = aClientRequestsACertificate("after-brackets");
        assertThat(MAILBOX.awaitOne(from).text()).contains("held no certificate signing request");
        assertThat(MAILBOX.awaitOne(client).subject()).contains("received");
    }

    @Test
    void anEmptyMailGetsThePoliteHowTo() throws Exception {
        String from = address("empty");
        MAILBOX.sendRaw(headers(from, "", "text/plain; charset=UTF-8"));
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.text()).contains("held no certificate signing request");
        assertNothingIssuedFor(from);
    }

    @Test
    void aCsrBuriedInDeeplyNestedMultipartsIsRefusedWithTheReason() throws Exception {
        String from = address("nested");
        StringBuilder body = new StringBuilder();
        int depth = 12;
        for (int i = 0; i < depth; i++) {
            body.append("--b").append(i).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(i + 1).append("\"\r\n\r\n");
        }
        body.append("--b").append(depth).append("\r\nContent-Type: text/plain\r\n\r\nOrganization ID: hostile-1\r\n").append(CSR)
                .append("\r\n--b").append(depth).append("--\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            body.append("--b").append(i).append("--\r\n");
        }
        MAILBOX.sendRaw(headers(from, "nested", "multipart/mixed; boundary=\"b0\"") + body);
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.subject()).contains("refused");
        assertThat(reply.text()).contains("nested more than 8 levels");
        assertNothingIssuedFor(from);
    }

    @Test
    void aHugeAttachmentIsNotReadAndTheSenderIsTold() throws Exception {
        String from = address("huge");
        String big = Base64.getMimeEncoder().encodeToString(new byte[2 * 1024 * 1024]);
        MAILBOX.sendRaw(headers(from, "big", "multipart/mixed; boundary=\"x\"")
                + "--x\r\nContent-Type: text/plain\r\n\r\nOrganization ID: hostile-1\r\n--x\r\nContent-Type: application/octet-stream; name=\"client.csr\"\r\n"
                + "Content-Disposition: attachment; filename=\"client.csr\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + big + "\r\n--x--\r\n");
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.text()).contains("larger than 1024 KB and was not read");
        assertNothingIssuedFor(from);
    }

    @Test
    void aZipIsNotMistakenForARequest() throws Exception {
        String from = address("zip");
        MAILBOX.sendRaw(headers(from, "files", "multipart/mixed; boundary=\"x\"")
                + "--x\r\nContent-Type: text/plain\r\n\r\nsee zip\r\n--x\r\nContent-Type: application/zip; name=\"csr.zip\"\r\n"
                + "Content-Disposition: attachment; filename=\"csr.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBAoAAAAAAA==\r\n--x--\r\n");
        assertThat(MAILBOX.awaitOne(from).text()).contains("held no certificate signing request").contains("as an attachment");
    }

    @Test
    void latin1AndUnknownCharsetsAreRead() throws Exception {
        String from = address("latin");
        MAILBOX.sendRaw(headers(from, "=?ISO-8859-1?Q?Anfrage_f=FCr_Zertifikat?=", "text/plain; charset=ISO-8859-1")
                + "Organization ID: hostile-1\r\nCompany: M\u00fcller GmbH\r\n" + CSR.replace("\n", "\r\n"));
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.subject()).contains("received").contains("hostile-1");
        String other = address("weird");
        MAILBOX.sendRaw(headers(other, "odd", "text/plain; charset=x-no-such-charset") + "Organization ID: hostile-1\r\n" + CSR.replace("\n", "\r\n"));
        assertThat(MAILBOX.awaitOne(other).subject()).contains("received");
    }

    @Test
    void headerInjectionInTheSubjectDoesNotReachTheReplyHeaders() throws Exception {
        String from = address("inject");
        String victim = address("victim");
        MAILBOX.sendRaw(headers(from, "=?UTF-8?Q?hello=0D=0ABcc:_" + victim.replace("@", "=40") + "?=", "text/plain; charset=UTF-8")
                + "just a question\r\n");
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.subject()).doesNotContain("\n").doesNotContain("\r");
        Thread.sleep(1500);
        assertThat(MAILBOX.read(victim, "INBOX")).as("no mail to an injected Bcc").isEmpty();
    }

    @Test
    void aCsrWhoseDsaDomainTheSenderChoseIsRefusedAtOnceAndHoldsUpNoOne() throws Exception {
        // checking this key's signature would cost minutes of CPU (y^q mod p on 60,000-bit numbers); a reply within
        // the mailbox's wait proves it was never checked
        String from = address("dsa-domain");
        MAILBOX.send(Mailbox.from(from).body("Organization ID: hostile-1\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csrWithDsaDomainBits("C=NL,O=ACME BV,CN=hostile-1", 60_000)).getBytes()));
        String client = aClientRequestsACertificate("after-dsa-domain");
        Mailbox.Received refusal = MAILBOX.awaitOne(from);
        assertThat(refusal.subject()).contains("refused");
        assertThat(refusal.text()).contains("KEY_ALGORITHM_NOT_ALLOWED");
        assertThat(MAILBOX.awaitOne(client).subject()).contains("received");
        assertNothingIssuedFor(from);
    }

    @Test
    void aBodyOfLineBreaksDoesNotHoldUpTheNextClientsRequest() throws Exception {
        // 256 KB of empty lines between two lines of text: a field search whose blanks could span lines took minutes
        String from = address("line-breaks");
        MAILBOX.sendRaw(headers(from, "hello", "text/plain; charset=UTF-8") + "Hello,\r\n" + "\r\n".repeat(130_000) + "Regards\r\n");
        String client = aClientRequestsACertificate("after-line-breaks");
        assertThat(MAILBOX.awaitOne(from).text()).contains("held no certificate signing request");
        assertThat(MAILBOX.awaitOne(client).subject()).contains("received");
    }

    @Test
    void privateKeysOnCurvesOfTheSendersMakingDoNotHoldUpTheNextClientsRequest() throws Exception {
        // every mail is searched for private keys; each of these names a curve whose order has 1.5 million bits, and
        // reading such a curve multiplied its base point by that order: 7 s of CPU per key
        String from = address("curve-keys");
        byte[] key = TestCsrs.ecPrivateKeyPem(TestCsrs.explicitCurveWithOrderBits(1_500_000)).getBytes(StandardCharsets.US_ASCII);
        Mailbox.Draft mail = Mailbox.from(from).subject("our keys").body("Hello");
        for (int i = 1; i <= 5; i++) {
            mail = mail.attach("key-" + i + ".pem", key);
        }
        MAILBOX.send(mail);
        String client = aClientRequestsACertificate("after-curve-keys");
        assertThat(MAILBOX.awaitOne(client).subject()).contains("received");
        assertNothingIssuedFor(from);
    }

    @Test
    void aGroupOfAddressesAsSenderGetsNoneOfThemMailed() throws Exception {
        // the reply went to every address in the group, each counted as one by the reply limits: a relay for anyone's text
        String one = address("group-one");
        String two = address("group-two");
        String messageId = "<" + UUID.randomUUID() + "@hostile.test>";
        MAILBOX.sendRaw(headers("friends: " + one + ", " + two + ";", "Your invoice", "text/plain", messageId)
                + "Hello, how do I get a certificate?\r\n");
        String client = aClientRequestsACertificate("after-group");
        assertThat(MAILBOX.awaitOne(client).subject()).contains("received");
        // taken in and kept, as any mail is; answered, it would have been through a process of its own
        Polling.until(WAIT, Duration.ofMillis(100), () -> jdbc.sql("select count(*) from intake_mail where message_id = ?")
                .param(messageId).query(Long.class).single() > 0, () -> new AssertionError("the group's mail was not taken in"));
        // no reference: the mail had no sender to answer, and so no process
        String reference = jdbc.sql("select request_reference from intake_mail where message_id = ?").param(messageId)
                .query(String.class).list().get(0);
        if (reference != null) {
            awaitEnded(reference, OnboardingProcess.END_NOT_A_REQUEST);
        }
        // as the mail server holds them (a reply to a group is not even readable as a mail of its own)
        assertThat(MAILBOX.raw(one)).isEmpty();
        assertThat(MAILBOX.raw(two)).isEmpty();
    }
}
