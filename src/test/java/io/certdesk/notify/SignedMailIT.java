package io.certdesk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Mail from certdesk is S/MIME-signed: a client checks the delivery mail with openssl against the chain certdesk
 * publishes, and the certificate inside the verified content is the one certdesk issued.
 */
class SignedMailIT extends EmbeddedCertdeskTest {

    @TempDir
    Path client;

    @BeforeEach
    void needsOpenssl() {
        Openssl.assumeAvailable();
    }

    @Test
    void deliveryMailVerifiesWithOpensslAgainstThePublishedChainAndCarriesTheIssuedCertificate() throws Exception {
        Issued issued = onboard("signed-mail-org", "qa", TestCsrs.ec("secp256r1"));
        byte[] delivery = MAILBOX.raw(issued.contact()).get(1);
        Files.write(client.resolve("mail.eml"), delivery);
        ResponseEntity<String> chain = http.getForEntity("/pki/mail-signing.pem", String.class);
        assertThat(chain.getStatusCode()).isEqualTo(HttpStatus.OK);
        Files.writeString(client.resolve("mail-signing.pem"), chain.getBody());

        String output = Openssl.ok(client, "openssl smime -verify -CAfile mail-signing.pem -in mail.eml -out verified.eml "
                + "-signer signer.pem 2>&1");
        assertThat(output).contains("Verification successful");
        // the signer is the first certificate of the published chain, an e-mail protection certificate for the support address
        String signer = Openssl.ok(client, "openssl x509 -in signer.pem -noout -fingerprint -sha256");
        String published = Openssl.ok(client, "openssl x509 -in mail-signing.pem -noout -fingerprint -sha256");
        assertThat(signer).isEqualTo(published);
        assertThat(Openssl.ok(client, "openssl x509 -in signer.pem -noout -ext subjectAltName,extendedKeyUsage"))
                .contains("email:" + Mailbox.SUPPORT).contains("E-mail Protection");

        Map<String, byte[]> signedFiles = attachments(Files.readAllBytes(client.resolve("verified.eml")));
        String stored = jdbc.sql("select certificate_pem from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single();
        assertThat(new String(signedFiles.get("client-cert.pem"), StandardCharsets.US_ASCII)).isEqualTo(stored);
        assertThat(signedFiles).containsKey("ca-cert.pem");
        // and the mail tells the client how to do this check
        assertThat(MAILBOX.await(issued.contact(), 2, WAIT).get(1).text())
                .contains("openssl smime -verify -CAfile mail-signing.pem -in mail.eml")
                .contains("/pki/mail-signing.pem");
    }

    @Test
    void aDeliveryMailWhoseCertificateWasSwappedAfterSigningFailsVerification() throws Exception {
        Issued issued = onboard("swapped-cert-org", "qa", TestCsrs.ec("secp256r1"));
        String delivery = new String(MAILBOX.raw(issued.contact()).get(1), StandardCharsets.ISO_8859_1);
        Files.writeString(client.resolve("mail-signing.pem"), http.getForObject("/pki/mail-signing.pem", String.class));
        // a forger replaces the attached certificate with one of their own making (here: the CA certificate's bytes)
        Map<String, byte[]> parts = attachments(delivery.getBytes(StandardCharsets.ISO_8859_1));
        String original = Base64.getMimeEncoder().encodeToString(parts.get("client-cert.pem")).lines().findFirst().orElseThrow();
        String forged = Base64.getMimeEncoder().encodeToString(parts.get("ca-cert.pem")).lines().findFirst().orElseThrow();
        assertThat(delivery).contains(original);
        Files.writeString(client.resolve("forged.eml"), delivery.replace(original, forged), StandardCharsets.ISO_8859_1);

        Openssl.Result result = Openssl.run(client, "openssl smime -verify -CAfile mail-signing.pem -in forged.eml -out /dev/null");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotContain("Verification successful");
    }

    @Test
    void automaticRepliesAreSignedToo() throws Exception {
        String sender = address("unsigned-question");
        MAILBOX.send(Mailbox.from(sender).subject("How do I get a certificate?").body("Hello, how does this work?"));
        MAILBOX.awaitOne(sender);
        Files.write(client.resolve("reply.eml"), MAILBOX.raw(sender).get(0));
        Files.writeString(client.resolve("mail-signing.pem"), http.getForObject("/pki/mail-signing.pem", String.class));

        assertThat(MAILBOX.awaitOne(sender).headers().get("Content-Type")).startsWith("multipart/signed");
        assertThat(Openssl.ok(client, "openssl smime -verify -CAfile mail-signing.pem -in reply.eml -out reply.txt 2>&1"))
                .contains("Verification successful");
        assertThat(Files.readString(client.resolve("reply.txt"), StandardCharsets.ISO_8859_1)).contains(Mailbox.SUPPORT);
    }

    /** The attachments of a MIME entity (a whole mail, or the content openssl verified) by file name. */
    static Map<String, byte[]> attachments(byte[] mime) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
        Map<String, byte[]> found = new LinkedHashMap<>();
        collect(message, found);
        return found;
    }

    private static void collect(Part part, Map<String, byte[]> found) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), found);
            }
        } else if (part.getFileName() != null) {
            try (var in = part.getInputStream()) {
                found.put(part.getFileName(), in.readAllBytes());
            }
        }
    }

}
