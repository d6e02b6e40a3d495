package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.Test;

/**
 * No private key stays in the support mailbox, also from mail certdesk could not read in full: too large, too many
 * parts, failing again and again, a second copy of a mail that carried a key, an auto-reply carrying one. Each
 * test looks through every folder of the support mailbox over IMAP, as a person with a mail program would.
 */
class KeysInMailboxIT extends EmbeddedCertdeskTest {

    private static final String KEY = TestCsrs.privateKeyPem(TestCsrs.ec("secp256r1"));

    private static String headers(String from, String subject, String messageId, String contentType) {
        return "From: " + from + "\r\nTo: support@certdesk.local\r\nSubject: " + subject + "\r\nMessage-ID: " + messageId
                + "\r\nMIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\n\r\n";
    }

    private static String messageId() {
        return "<" + UUID.randomUUID() + "@keys.test>";
    }

    private static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /** Waits until the sender's mail has left the inbox, then returns where its copies are. */
    private List<Mailbox.Stored> afterProcessing(String from) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Mailbox.Stored> found = MAILBOX.everyFolder(Mailbox.SUPPORT, from);
        while (found.stream().anyMatch(s -> s.folder().equals("INBOX")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            found = MAILBOX.everyFolder(Mailbox.SUPPORT, from);
        }
        assertThat(found).as("the mail was handled").noneMatch(s -> s.folder().equals("INBOX"));
        return found;
    }

    private void assertNoKeyLeftFrom(String from) throws Exception {
        assertThat(afterProcessing(from)).as("no copy holding the private key in any folder of the support mailbox")
                .noneMatch(Mailbox.Stored::holdsPrivateKey);
    }

    @Test
    void aMailTooLargeToReadIsAnsweredAndDoesNotStayInTheMailbox() throws Exception {
        String from = address("keys-large");
        // over certdesk.intake.max-mail-size (10 MB): never downloaded, so never checked for a key
        String filler = Base64.getMimeEncoder().encodeToString(new byte[8 * 1024 * 1024]);
        MAILBOX.sendRaw(headers(from, "big", messageId(), "multipart/mixed; boundary=\"x\"")
                + "--x\r\nContent-Type: text/plain\r\n\r\nOrganization ID: keys-1\r\n" + crlf(KEY)
                + "--x\r\nContent-Type: application/octet-stream; name=\"logs.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"logs.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + filler + "\r\n--x--\r\n");
        assertThat(MAILBOX.awaitOne(from).text()).contains("was not read").contains("Send the CSR file alone");
        assertNoKeyLeftFrom(from);
    }

    @Test
    void aMailWithTooManyPartsDoesNotKeepTheKeyInItsUnreadParts() throws Exception {
        String from = address("keys-parts");
        String org = "keys-parts-" + UUID.randomUUID().toString().substring(0, 6);
        StringBuilder mail = new StringBuilder(headers(from, "many parts", messageId(), "multipart/mixed; boundary=\"x\""));
        mail.append("--x\r\nContent-Type: text/plain\r\n\r\nOrganization ID: ").append(org).append("\r\n")
                .append(crlf(TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=" + org, TestCsrs.p384())))).append("\r\n");
        for (int i = 0; i < 60; i++) {
            mail.append("--x\r\nContent-Type: text/plain; name=\"note-").append(i).append(".txt\"\r\n")
                    .append("Content-Disposition: attachment; filename=\"note-").append(i).append(".txt\"\r\n\r\n")
                    .append(i == 55 ? crlf(KEY) : "note " + i + "\r\n");
        }
        mail.append("--x--\r\n");
        MAILBOX.sendRaw(mail.toString());
        assertThat(MAILBOX.awaitOne(from).text()).contains("more than 50 parts");
        assertNoKeyLeftFrom(from);
    }

    @Test
    void aMailThatFailsFiveTimesWithAKeyIsNotSetAsideWithItAndTheSenderIsTold() throws Exception {
        String from = address("keys-poison");
        // a Message-ID longer than certdesk stores with a request: taking the mail in fails every time
        String longId = "<" + "p".repeat(600) + "\r\n " + "q".repeat(600) + "@keys.test>";
        MAILBOX.sendRaw(headers(from, "poison", longId, "text/plain; charset=UTF-8")
                + "Organization ID: keys-poison\r\n" + crlf(KEY));
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.subject()).contains("could not be read");
        assertThat(reply.text()).contains("removed from the support").contains("compromised");
        assertNoKeyLeftFrom(from);
        assertThat(afterProcessing(from)).as("not set aside in Needs-attention").noneMatch(s -> s.folder().equals("Needs-attention"));
    }

    @Test
    void aSecondCopyOfAMailThatCarriedAKeyIsRemovedToo() throws Exception {
        String from = address("keys-copy");
        String id = messageId();
        String mail = headers(from, "with key", id, "text/plain; charset=UTF-8") + "Organization ID: keys-copy\r\n" + crlf(KEY);
        MAILBOX.sendRaw(mail);
        assertThat(MAILBOX.awaitOne(from).subject()).contains("SECURITY");
        assertNoKeyLeftFrom(from);
        // the same mail again (a copy the server kept, a resend): the Message-ID is known, the key must still go
        MAILBOX.sendRaw(mail);
        Thread.sleep(500);
        assertNoKeyLeftFrom(from);
        assertThat(MAILBOX.read(from, "INBOX")).as("one warning only").hasSize(1);
    }

    @Test
    void anAutoReplyCarryingAKeyIsNotKeptAmongIgnoredMail() throws Exception {
        String from = address("keys-auto");
        MAILBOX.sendRaw("Auto-Submitted: auto-replied\r\n" + headers(from, "Out of office", messageId(), "text/plain; charset=UTF-8")
                + "I am away. My key, for the record:\r\n" + crlf(KEY));
        assertNoKeyLeftFrom(from);
        Thread.sleep(1000);
        assertThat(MAILBOX.read(from, "INBOX")).as("auto-replies are never answered").isEmpty();
    }

    @Test
    void aKeyAttachedToAForwardedMailGetsTheSecurityReplyAndDoesNotStayInTheMailbox() throws Exception {
        String from = address("keys-forwarded");
        String forwarded = "From: colleague@acme.test\r\nSubject: the key you asked for\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nHere it is.\r\n"
                + "--inner\r\nContent-Type: application/octet-stream; name=\"client-key.pem\"\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"client-key.pem\"\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(KEY.getBytes()) + "\r\n--inner--\r\n";
        MAILBOX.sendRaw(headers(from, "Fwd: the key you asked for", messageId(), "multipart/mixed; boundary=\"outer\"")
                + "--outer\r\nContent-Type: text/plain\r\n\r\nSee the forwarded mail.\r\n"
                + "--outer\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + forwarded + "--outer--\r\n");
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.subject()).contains("SECURITY");
        assertThat(reply.text()).contains("attachment client-key.pem of forwarded mail 1");
        assertNoKeyLeftFrom(from);
    }

    @Test
    void aKeyInTheHtmlBesideACleanPlainTextGetsTheSecurityReplyAndDoesNotStayInTheMailbox() throws Exception {
        String from = address("keys-html");
        MAILBOX.sendRaw(headers(from, "our details", messageId(), "multipart/alternative; boundary=\"alt\"")
                + "--alt\r\nContent-Type: text/plain\r\n\r\nOrganization ID: keys-html\r\n"
                + "--alt\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(("<p>Organization ID: keys-html</p><pre>" + KEY + "</pre>").getBytes())
                + "\r\n--alt--\r\n");
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.subject()).contains("SECURITY");
        assertThat(reply.text()).contains("the mail's HTML text");
        assertNoKeyLeftFrom(from);
    }
}
