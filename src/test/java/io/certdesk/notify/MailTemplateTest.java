package io.certdesk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class MailTemplateTest {

    @Test
    void theDeliverysSignatureCheckNamesTheSenderAndWhereTheChainIsPublished() {
        String text = MailTemplate.loadPart("delivery-signature-check").renderBody(Map.of(
                "supportAddress", "certificates@certdesk.test", "mailSigningUrl", "https://pki.certdesk.test/pki/mail-signing.pem"));
        assertThat(text).isEqualTo("This mail is signed (S/MIME) by certificates@certdesk.test. Anyone can write a mail that looks like\n"
                + "it comes from us: check the signature before you use the attached files. Save this mail as a file\n"
                + "(\"Save as\" or \"Show original\", e.g. mail.eml), then:\n"
                + "  curl -o mail-signing.pem https://pki.certdesk.test/pki/mail-signing.pem\n"
                + "  openssl smime -verify -CAfile mail-signing.pem -in mail.eml -out verified.txt\n"
                + "Expected: Verification successful. The files inside verified.txt are the signed ones; your mail\n"
                + "program also shows the signature once you trust the certificates in mail-signing.pem.\n\n");
    }

    @Test
    void aTemplateHasItsSubjectLineApartFromItsBody() {
        MailTemplate delivery = MailTemplate.load("delivery");
        assertThat(delivery.subject()).isEqualTo("[{{reference}}] Your client certificate for {{organizationId}} ({{environment}})");
        assertThat(delivery.body()).startsWith("Hello,\n");
    }
}
