package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

import io.certdesk.authority.Fingerprints;
import io.certdesk.support.TestCsrs;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * Mails as clients' programs write them, read the way intake reads them: a private key is found wherever the mail
 * carries it (a forwarded mail, the HTML beside the plain text, a multipart with a name), and what a reply repeats
 * of the sender's file names is bounded.
 */
class MailReaderTest {

    private static final KeyPair KEYS = TestCsrs.ec("secp384r1");
    private static final String KEY_HASH = Fingerprints.sha256Hex(KEYS.getPublic().getEncoded());

    private static Submission read(String raw) throws Exception {
        return SubmissionReader.read(mail(raw));
    }

    private static IncomingMail mail(String raw) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
        return MailReader.read(message);
    }

    private static String identity(String raw) throws Exception {
        IncomingMail mail = mail(raw);
        return IntakeService.identity(mail, SubmissionReader.read(mail));
    }

    private static String base64(String text) {
        return Base64.getMimeEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String headers(String contentType) {
        return "From: client@acme.test\nTo: support@certdesk.test\nSubject: our key\nMessage-ID: <m1@acme.test>\nMIME-Version: 1.0\n"
                + "Content-Type: " + contentType + "\n\n";
    }

    @Test
    void aKeyAttachedToAForwardedMailIsFoundThoughTheForwardedMailIsNotTheRequest() throws Exception {
        String forwarded = "From: colleague@acme.test\nSubject: the key\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=inner\n\n"
                + "--inner\nContent-Type: text/plain\n\nOrganization ID: acme-42\n"
                + "--inner\nContent-Type: application/octet-stream; name=client-key.pem\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=client-key.pem\n\n" + base64(TestCsrs.privateKeyPem(KEYS)) + "\n--inner--\n";
        Submission submission = read(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nSee below.\n"
                + "--outer\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n" + forwarded + "--outer--\n");
        assertThat(submission.privateKeyFindings())
                .containsExactly("attachment client-key.pem of forwarded mail 1 (it holds a PEM private key)");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH);
        assertThat(submission.organizationId()).as("the forwarded mail's fields are not the request's").isNull();
    }

    @Test
    void aKeyPastedIntoTheHtmlBesideACleanPlainTextIsFound() throws Exception {
        Submission submission = read(headers("multipart/alternative; boundary=alt")
                + "--alt\nContent-Type: text/plain\n\nOrganization ID: acme-42\n"
                + "--alt\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
                + base64("<p>Organization ID: acme-42</p><pre>" + TestCsrs.privateKeyPem(KEYS) + "</pre>") + "\n--alt--\n");
        assertThat(submission.privateKeyFindings()).containsExactly("the mail's HTML text (it holds a PEM private key)");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH);
        assertThat(submission.organizationId()).isEqualTo("acme-42");
    }

    @Test
    void aKeyInsideAMultipartThatCarriesANameIsFound() throws Exception {
        Submission submission = read(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nHi\n"
                + "--outer\nContent-Type: multipart/mixed; boundary=inner; name=bundle\nContent-Disposition: attachment; filename=bundle\n\n"
                + "--inner\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=backup.bin\n\n" + base64(TestCsrs.privateKeyPem(KEYS)) + "\n--inner--\n"
                + "--outer--\n");
        assertThat(submission.privateKeyFindings()).containsExactly("attachment backup.bin (it holds a PEM private key)");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH);
    }

    @Test
    void aReplyNamesAttachmentsWithSentencesForNamesByPositionAndListsAFewOfMany() throws Exception {
        StringBuilder raw = new StringBuilder(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nHi\n");
        for (int i = 1; i <= 12; i++) {
            String name = i == 1 ? "client.csr" : "Your certificate was revoked. Call +1 555 0100 now to restore access " + i + ".csr";
            raw.append("--outer\nContent-Type: application/pkcs10\nContent-Disposition: attachment; filename=\"").append(name)
                    .append("\"\n\nnot a csr ").append(i).append('\n');
        }
        Submission submission = read(raw + "--outer--\n");
        assertThat(submission.unreadableCsrs()).hasSize(AttachmentLabel.MAX_LISTED + 1)
                .startsWith("attachment client.csr is named like a CSR but holds neither a PEM CSR block nor DER data.",
                        "attachment 2 is named like a CSR but holds neither a PEM CSR block nor DER data.")
                .endsWith("... and 7 more of the same kind.")
                .noneMatch(line -> line.contains("Call"));
    }

    @Test
    void aKeyInAForwardedHtmlOnlyMailIsFoundThoughTagsBreakItsLines() throws Exception {
        String html = "<p>the key:<br>" + TestCsrs.privateKeyPem(KEYS).replace("\n", "<br>\n") + "</p>";
        String forwarded = "From: colleague@acme.test\nSubject: key\nMIME-Version: 1.0\nContent-Type: text/html\n\n" + html;
        Submission submission = read(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nFYI\n"
                + "--outer\nContent-Type: message/rfc822\n\n" + forwarded + "\n--outer--\n");
        assertThat(submission.privateKeyFindings()).containsExactly("the text of forwarded mail 1 (it holds a PEM private key)");
        assertThat(submission.exposedKeyHashes()).as("the key is read, so its certificates are revoked").contains(KEY_HASH);
    }

    @Test
    void aKeyInAForwardedMailWithInternationalHeadersIsFound() throws Exception {
        String forwarded = "From: jürgen@acme.test\nSubject: Schlüssel\nMIME-Version: 1.0\nContent-Type: text/plain\n\n"
                + TestCsrs.privateKeyPem(KEYS);
        Submission submission = read(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nFYI\n"
                + "--outer\nContent-Type: message/global\nContent-Transfer-Encoding: base64\n\n" + base64(forwarded) + "\n--outer--\n");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH);
        assertThat(submission.privateKeyFindings()).isNotEmpty();
    }

    @Test
    void aKeyInAForwardedMailEncodedInBase64ThoughRfc822AllowsNoneIsFound() throws Exception {
        String forwarded = "From: colleague@acme.test\nSubject: key\nMIME-Version: 1.0\nContent-Type: text/plain\n\n"
                + TestCsrs.privateKeyPem(KEYS);
        Submission submission = read(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nFYI\n"
                + "--outer\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n" + base64(forwarded) + "\n--outer--\n");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH);
    }

    @Test
    void aFragmentOfASplitMailCountsAsUnreadSoTheMailIsNotKept() throws Exception {
        IncomingMail mail = mail(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nFYI\n"
                + "--outer\nContent-Type: message/partial; id=\"x@acme.test\"; number=1; total=2\n\nFrom: a@acme.test\n\n-----BEGIN EC PRIV"
                + "\n--outer--\n");
        assertThat(mail.partlyUnread()).isTrue();
        assertThat(IntakeService.mayHoldPrivateKey(mail)).isTrue();
    }

    @Test
    void aKeyPastedIntoAnOrdinaryPlainAndHtmlMailIsReportedOnce() throws Exception {
        String key = TestCsrs.privateKeyPem(KEYS);
        Submission submission = read(headers("multipart/alternative; boundary=alt")
                + "--alt\nContent-Type: text/plain\n\nOur key:\n" + key
                + "--alt\nContent-Type: text/html\n\n<p>Our key:</p><pre>" + key + "</pre>\n--alt--\n");
        assertThat(submission.privateKeyFindings()).containsExactly("a PEM private key block in the mail text");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH);
    }

    @Test
    void theCopyAListPassesOnWithAFooterAndASubjectTagIsTheSameMailAndAnotherCsrIsNot() throws Exception {
        String csr = TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384()));
        String original = headers("multipart/mixed; boundary=b") + "--b\nContent-Type: text/plain\n\nOrganization ID: acme-42\n"
                + "--b\nContent-Type: application/pkcs10; name=client.csr\nContent-Disposition: attachment; filename=client.csr\n\n"
                + csr + "--b--\n";
        String listCopy = original.replace("Subject: our key", "Subject: [support] our key")
                .replace("Organization ID: acme-42\n", "Organization ID: acme-42\n\n-- \nsupport list: unsubscribe at ...\n");
        String otherCsr = original.replace(csr, TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.ec("secp384r1"))));
        assertThat(identity(listCopy)).isEqualTo(identity(original));
        assertThat(identity(otherCsr)).isNotEqualTo(identity(original));
    }

    @Test
    void htmlIsReadAsTheTextItShows() {
        assertThat(MailReader.htmlToText("<P>Organization ID: acme-42<BR/>Company: ACME&nbsp;BV</p><script>alert(1)</SCRIPT>"
                + "<style>p {}</style><div>Environment: qa</div>a < b"))
                .isEqualTo("Organization ID: acme-42\nCompany: ACME BV\n  Environment: qa\na < b");
    }

    @Test
    void hostileHtmlIsReadInOnePass() {
        // each of these took minutes with expressions that looked for a tag's end from every "<"
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(MailReader.htmlToText("<".repeat(MailReader.MAX_BODY_CHARS))).hasSize(MailReader.MAX_BODY_CHARS);
            assertThat(MailReader.htmlToText("<script>".repeat(30_000))).isBlank();
            assertThat(MailReader.htmlToText("<p>x</p>".repeat(30_000))).hasSize(60_000);
        });
    }

    @Test
    void aSecondKeyOnlyInTheHtmlIsListedToo() throws Exception {
        KeyPair other = TestCsrs.ec("secp384r1");
        Submission submission = read(headers("multipart/alternative; boundary=alt")
                + "--alt\nContent-Type: text/plain\n\nOur key:\n" + TestCsrs.privateKeyPem(KEYS)
                + "--alt\nContent-Type: text/html\n\n<pre>" + TestCsrs.privateKeyPem(KEYS) + TestCsrs.privateKeyPem(other)
                + "</pre>\n--alt--\n");
        assertThat(submission.privateKeyFindings()).containsExactly("a PEM private key block in the mail text",
                "the mail's HTML text (it holds a PEM private key)");
        assertThat(submission.exposedKeyHashes()).contains(KEY_HASH, Fingerprints.sha256Hex(other.getPublic().getEncoded()));
    }

    @Test
    void aForwardedMailWithAnUnknownTransferEncodingIsReadAsWritten() throws Exception {
        String forwarded = "From: colleague@acme.test\nSubject: key\nMIME-Version: 1.0\nContent-Type: text/plain\n\n"
                + TestCsrs.privateKeyPem(KEYS);
        IncomingMail mail = mail(headers("multipart/mixed; boundary=outer") + "--outer\nContent-Type: text/plain\n\nFYI\n"
                + "--outer\nContent-Type: message/rfc822\nContent-Transfer-Encoding: 7-bit\n\n" + forwarded + "\n--outer--\n");
        assertThat(mail.problems()).isEmpty();
        assertThat(SubmissionReader.read(mail).exposedKeyHashes()).contains(KEY_HASH);
    }

    @Test
    void aFromHeaderFullOfAtSignsIsReadAtOnce() throws Exception {
        // no strict parser accepts it, so the reader looks for an address in angle brackets at its end
        String raw = "From: x <" + "a@".repeat(40_000) + "\nTo: support@certdesk.test\nSubject: hi\nMessage-ID: <m2@acme.test>\n\nhello\n";
        IncomingMail mail = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> mail(raw));
        assertThat(mail.fromAddress()).isNull();
    }

    @Test
    void theAddressInAngleBracketsAtAHeadersEndIsFoundAsBefore() {
        assertThat(MailReader.angleAddressStart("Jane \"Roe <jane@acme.test>  ")).isEqualTo(10);
        assertThat(MailReader.angleAddressStart("<a@@>")).isZero();
        assertThat(MailReader.angleAddressStart("<@a>")).isEqualTo(-1);
        assertThat(MailReader.angleAddressStart("<a@>")).isEqualTo(-1);
        assertThat(MailReader.angleAddressStart("<a b@c>")).isEqualTo(-1);
        assertThat(MailReader.angleAddressStart("<a@b> trailing")).isEqualTo(-1);
        assertThat(MailReader.angleAddressStart("<x <a@b>")).isEqualTo(3);
    }

    @Test
    void aGroupOfAddressesIsNoSenderToAnswer() throws Exception {
        String group = "From: friends: alice@one.test, bob@two.test, carol@three.test;\nTo: support@certdesk.test\nSubject: hello\n"
                + "Message-ID: <g1@acme.test>\n\nHello";
        assertThat(mail(group).fromAddress()).isNull();
        // a Reply-To of one mailbox beside it is answered as any sender's would be
        assertThat(mail(group.replace("To: ", "Reply-To: Bob <bob@two.test>\nTo: ")).fromAddress()).isEqualTo("bob@two.test");
        assertThat(mail("From: Jane Roe <jane@acme.test>\nSubject: hello\n\nHello").fromAddress()).isEqualTo("jane@acme.test");
        // a group inside the angle brackets, which no strict parser takes and the fallback read as one address
        assertThat(mail("From: x <g:a@one.test,b@two.test;>\nSubject: hello\n\nHello").fromAddress()).isNull();
        assertThat(mail("From: <g:a@one.test,b@two.test;>\nSubject: hello\n\nHello").fromAddress()).isNull();
        assertThat(mail("From: x <@relay.test:a@one.test>\nSubject: hello\n\nHello").fromAddress()).isNull();
    }
}
