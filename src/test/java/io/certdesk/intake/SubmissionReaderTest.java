package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SubmissionReaderTest {

    private static final PKCS10CertificationRequest CSR = TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384());

    private static IncomingMail mail(String body, IncomingMail.Attachment... attachments) {
        return new IncomingMail("<1@acme.test>", "jane@acme.test", "Jane Roe", "CSR", body, List.of(attachments), false, List.of());
    }

    private static IncomingMail.Attachment attachment(String name, byte[] content) {
        return new IncomingMail.Attachment(name, "application/octet-stream", content, content.length);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Organization ID: acme-42|acme-42",
            "organisation id = acme-42|acme-42",
            "- Org ID: acme-42|acme-42",
            "> Client ID: acme-42|acme-42",
            "**Organization ID:** acme-42|acme-42",
            "Organization-ID: acme-42|acme-42"})
    void readsTheOrganizationIdInItsCommonSpellings(String line, String expected) {
        assertThat(SubmissionReader.read(mail("Hello,\n" + line + "\nThanks")).organizationId()).isEqualTo(expected);
    }

    @Test
    void readsCompanyContactAndEnvironment() {
        Submission s = SubmissionReader.read(mail("""
                Organization ID: acme-42
                Company name: ACME BV
                Technical contact: Jane Roe <jane@acme.test>
                Environment: QA
                """));
        assertThat(s.companyName()).isEqualTo("ACME BV");
        assertThat(s.technicalContactName()).isEqualTo("Jane Roe");
        assertThat(s.technicalContactEmail()).isEqualTo("jane@acme.test");
        assertThat(s.environment()).isEqualTo("qa");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Technical contact: jane@acme.test|jane@acme.test|",
            "Tech contact: Jane Roe, jane@acme.test|jane@acme.test|Jane Roe",
            "Contact: jane@acme.test (Jane Roe)|jane@acme.test|Jane Roe"})
    void readsTheContactInItsCommonForms(String line, String email, String name) {
        Submission s = SubmissionReader.read(mail(line));
        assertThat(s.technicalContactEmail()).isEqualTo(email);
        assertThat(s.technicalContactName()).isEqualTo(name);
    }

    @Test
    void findsTheCsrAsAttachmentInlineOrDerAndCountsItOnce() throws Exception {
        byte[] pem = TestCsrs.pem(CSR).getBytes(StandardCharsets.US_ASCII);
        assertThat(SubmissionReader.read(mail("see attached", attachment("client.csr", pem))).csrs()).hasSize(1);
        assertThat(SubmissionReader.read(mail("Here:\n" + TestCsrs.pem(CSR))).csrs()).hasSize(1);
        assertThat(SubmissionReader.read(mail("DER", attachment("client.der", CSR.getEncoded()))).csrs()).hasSize(1);
        assertThat(SubmissionReader.read(mail(TestCsrs.pem(CSR), attachment("client.req", pem))).csrs()).hasSize(1);
    }

    @Test
    void findsPrivateKeysInTextAndAttachments() {
        String key = TestCsrs.privateKeyPem(TestCsrs.p384());
        assertThat(SubmissionReader.read(mail("my key:\n" + key)).privateKeyFindings()).containsExactly("a PEM private key block in the mail text");
        assertThat(SubmissionReader.read(mail("x", attachment("client-key.pem", key.getBytes()))).privateKeyFindings())
                .containsExactly("attachment client-key.pem (it holds a PEM private key)");
        assertThat(SubmissionReader.read(mail("x", attachment("client.p12", new byte[]{1, 2}))).privateKeyFindings())
                .containsExactly("attachment client.p12");
        assertThat(SubmissionReader.read(mail("x", attachment("nuvy-client.key", new byte[]{1, 2}))).exposesPrivateKey()).isTrue();
    }

    @Test
    void aMailWithoutCsrIsNotARequest() {
        assertThat(SubmissionReader.read(mail("Hello, how do I get access to your API?")).looksLikeRequest()).isFalse();
    }

    @Test
    void reportsACsrFileThatHoldsGarbage() {
        Submission s = SubmissionReader.read(mail("x", attachment("client.csr", "not a csr at all".getBytes())));
        assertThat(s.csrs()).isEmpty();
        assertThat(s.unreadableCsrs()).singleElement().asString().contains("client.csr");
    }

    @Test
    void attachmentsNestedToOverflowAParsersStackAreReadWithoutAnError() {
        byte[] nested = new byte[80_000];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x30;
            nested[i + 1] = (byte) 0x80;
        }
        String pemKey = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(nested) + "\n-----END PRIVATE KEY-----\n";
        Submission submission = SubmissionReader.read(mail("Organization ID: acme-42\n", attachment("client.csr", nested),
                attachment("chain.der", nested), attachment("backup.bin", nested), attachment("key.p8", nested),
                attachment("key.pem", pemKey.getBytes(StandardCharsets.US_ASCII))));
        assertThat(submission.exposedKeyHashes()).isEmpty();
        assertThat(submission.privateKeyFindings()).as("the named key files and the PEM block").hasSize(2);
    }

    @Test
    void aCertificateFollowedByDeeplyNestedDataIsNoCertificateAndNoError() throws Exception {
        byte[] certificate = TestPki.selfSignedLeaf("CN=partner-client").certificate().getEncoded();
        byte[] trailer = new byte[48_000];
        for (int i = 0; i < 12_000; i++) {
            trailer[2 * i] = 0x30;
            trailer[2 * i + 1] = (byte) 0x80;
        }
        byte[] bundle = java.util.Arrays.copyOf(certificate, certificate.length + trailer.length);
        System.arraycopy(trailer, 0, bundle, certificate.length, trailer.length);
        Submission submission = SubmissionReader.read(mail("Organization ID: acme-42\n", attachment("chain.cer", bundle)));
        assertThat(submission.certificates()).isEmpty();
        assertThat(SubmissionReader.read(mail("Organization ID: acme-42\n", attachment("chain.cer", certificate))).certificates())
                .hasSize(1);
    }

    @Test
    void aFieldWhoseValueIsOnTheNextLineIsStillRead() {
        Submission submission = SubmissionReader.read(mail("Organization ID:\n\n   acme-42\nEnvironment: qa\n"));
        assertThat(submission.organizationId()).isEqualTo("acme-42");
        assertThat(submission.environment()).isEqualTo("qa");

        // a line ending in a colon before the fields takes none of them as its value
        submission = SubmissionReader.read(mail("Here are our details:\n\nOrganization ID: acme-42\nEnvironment: qa\n"));
        assertThat(submission.organizationId()).isEqualTo("acme-42");
        assertThat(submission.environment()).isEqualTo("qa");
        submission = SubmissionReader.read(mail("Organization ID:\nEnvironment: qa\n"));
        assertThat(submission.organizationId()).isNull();
        assertThat(submission.environment()).isEqualTo("qa");
    }

    // the mail reader's thread reads every client's mail, one after the other: text built to make its search take time
    // growing with the square of its length (minutes at the size a mail may have) must be read at once

    @Test
    void aBodyOfNothingButLineBreaksIsReadAtOnce() {
        String body = "Organization ID: acme-42\r\nHello,\r\n" + "\r\n".repeat(131_072 - 20) + "Regards";
        Submission submission = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> SubmissionReader.read(mail(body)));
        assertThat(submission.organizationId()).isEqualTo("acme-42");
    }

    @Test
    void aLineOfThousandsOfQuotesAfterALabelIsReadAtOnce() {
        String body = "Organization ID: acme-42\nCompany: x" + "'".repeat(200_000) + "y\n";
        Submission submission = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> SubmissionReader.read(mail(body)));
        assertThat(submission.organizationId()).isEqualTo("acme-42");
    }

    @Test
    void anAttachmentOfBeginLinesWithoutAnEndIsReadAtOnceAndSaidToBeIncomplete() {
        byte[] csrFlood = "-----BEGIN CERTIFICATE REQUEST-----\n".repeat(28_000).getBytes(StandardCharsets.US_ASCII);
        byte[] certificateFlood = ("-----BEGIN CERTIFICATE-----\n".repeat(18_000) + "-----BEGIN PKCS7-----\n".repeat(18_000))
                .getBytes(StandardCharsets.US_ASCII);
        Submission submission = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> SubmissionReader.read(mail("Organization ID: acme-42",
                attachment("client.csr", csrFlood), attachment("chain.pem", certificateFlood))));
        assertThat(submission.csrs()).isEmpty();
        assertThat(submission.unreadableCsrs()).anyMatch(reason -> reason.contains("incomplete"));
        assertThat(submission.certificates()).isEmpty();
    }

    @Test
    void certificatesAreFoundAfterABeginLineOfTheOtherKindThatNeverEnds() throws Exception {
        String certificate = TestPki.selfSignedLeaf("CN=partner-client").pem();
        String text = "-----BEGIN PKCS7-----\nnever ends\n" + certificate + "-----BEGIN CERTIFICATE-----\nnot ended either\n";
        assertThat(SubmissionReader.read(mail("chain:\n" + text)).certificates()).hasSize(1);
    }
}
