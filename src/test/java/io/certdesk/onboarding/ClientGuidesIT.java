package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Both client guides, step by step, against a running certdesk: the client's own openssl commands make the key
 * and CSR, the CSR goes by mail, an approver decides, and the delivered certificate passes the guides' checks.
 */
class ClientGuidesIT extends EmbeddedCertdeskTest {

    @TempDir
    Path client;

    @BeforeEach
    void needsOpenssl() {
        Openssl.assumeAvailable();
    }

    @Test
    void firstGuideEcP384CsrIsApprovedOverRestAndPassesEveryCheckOfTheGuide() throws Exception {
        Openssl.ok(client, "openssl ecparam -genkey -name secp384r1 -noout -out client-key.pem");
        Openssl.ok(client, "openssl req -new -key client-key.pem -out client.csr "
                + "-subj \"/C=NL/ST=North-Holland/L=Amsterdam/O=Your Company Name/OU=API Client/CN=your-organization-id\"");
        String jane = address("jane");
        MAILBOX.send(Mailbox.from(jane).subject("Client certificate request").body("""
                Hello certdesk,

                please sign the attached CSR.

                Organization ID: your-organization-id
                Company: Your Company Name
                Technical contact: Jane Roe <%s>
                Environment: qa
                """.formatted(jane)).attach("client.csr", Files.readAllBytes(client.resolve("client.csr"))));

        Mailbox.Received ack = MAILBOX.awaitOne(jane);
        String reference = referenceIn(ack.subject());
        assertThat(ack.subject()).contains("received").contains("your-organization-id").contains("qa");
        String keyHash = Openssl.digest(Openssl.ok(client, "openssl ec -in client-key.pem -pubout -outform DER | openssl dgst -sha256"));
        assertThat(ack.text()).contains(keyHash).contains("EC P-384");

        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        assertThat(processOf(reference)).isWaitingAt(OnboardingProcess.APPROVE_REQUEST);
        assertThat(approval.getName()).isEqualTo("Approve CSR your-organization-id (qa) " + reference);
        assertThat(tasks.getVariables(approval.getId())).containsEntry("environment", "qa")
                .containsEntry("organizationId", "your-organization-id");
        assertThat(approval.getDescription()).startsWith("New organization your-organization-id asks for a qa client certificate");
        Map<String, Object> shown = approvalFacts(approval);
        assertThat(shown).containsEntry("publicKeySha256", keyHash).containsEntry("keyDescription", "EC P-384 (384 bits)")
                .containsEntry("organizationStatus", "new");
        // the guide's mail is plain, unsigned mail: the approver is told its From is all there is to go on
        assertThat((List<?>) shown.get("findings")).singleElement().asString()
                .contains("severity=WARNING").contains("code=MAIL_NOT_AUTHENTICATED").contains("no DKIM signature");
        assertThat((String) shown.get("subject")).contains("CN=your-organization-id").contains("O=Your Company Name");
        assertThat((String) shown.get("issuance")).contains("clientAuth").contains("digitalSignature").doesNotContain("keyEncipherment")
                .contains("365 days").contains("SHA384withECDSA").contains("certdesk QA Client CA");
        assertThat(approval.getDueDate()).as("due date from certdesk.approvers.decision-due").isAfter(new Date());
        assertThat(approval.getFollowUpDate()).isBefore(approval.getDueDate());

        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> completed = http.withBasicAuth("approver", "approver").exchange(
                "/engine-rest/task/" + approval.getId() + "/complete", HttpMethod.POST,
                new HttpEntity<>("{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}}}", headers), String.class);
        assertThat(completed.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        List<Mailbox.Received> mails = MAILBOX.await(jane, 2, WAIT);
        Mailbox.Received delivery = mails.get(1);
        awaitEnded(reference, OnboardingProcess.END_DELIVERED);
        assertThat(delivery.subject()).contains(reference).contains("Your client certificate");
        assertThat(delivery.attachments()).containsOnlyKeys("client-cert.pem", "ca-cert.pem");
        Files.write(client.resolve("client-cert.pem"), delivery.attachments().get("client-cert.pem"));
        Files.write(client.resolve("ca-cert.pem"), delivery.attachments().get("ca-cert.pem"));

        assertThat(Openssl.ok(client, "openssl verify -CAfile ca-cert.pem client-cert.pem").trim()).isEqualTo("client-cert.pem: OK");

        String text = Openssl.ok(client, "openssl x509 -in client-cert.pem -text -noout");
        assertThat(text).contains("Issuer: CN = certdesk QA Client CA, O = certdesk, C = NL")
                .contains("Subject: C = NL, ST = North-Holland, L = Amsterdam, O = Your Company Name, OU = API Client, CN = your-organization-id")
                .contains("Public-Key: (384 bit)").contains("NIST CURVE: P-384")
                .contains("TLS Web Client Authentication").contains("Digital Signature")
                .doesNotContain("Key Encipherment").contains("CA:FALSE")
                .contains("ecdsa-with-SHA384").contains("/pki/qa/crl");
        assertThat(text).containsPattern("Not After : \\w{3} +\\d+ [\\d:]+ 20\\d\\d GMT");

        String fromKey = Openssl.digest(Openssl.ok(client, "openssl ec -in client-key.pem -pubout -outform DER | openssl dgst -sha256"));
        String fromCert = Openssl.digest(Openssl.ok(client,
                "openssl x509 -in client-cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256"));
        assertThat(fromCert).isEqualTo(fromKey);
        assertThat(delivery.text()).contains("Expected value: " + fromKey);
        String guideAsWritten = Openssl.digest(Openssl.ok(client,
                "openssl x509 -in client-cert.pem -pubkey -noout -outform DER| openssl dgst -sha256"));
        assertThat(guideAsWritten).as("the guide's second command hashes PEM text on OpenSSL 3, as the mail warns")
                .isNotEqualTo(fromKey);

        Openssl.ok(client, "openssl pkcs12 -export -out client-cert.p12 -inkey client-key.pem -in client-cert.pem "
                + "-name \"Nopan Client Certificate\" -passout pass:client-secret");
        assertThat(Openssl.ok(client, "openssl pkcs12 -in client-cert.p12 -passin pass:client-secret -nokeys -info"))
                .contains("friendlyName: Nopan Client Certificate");

        String fingerprint = Openssl.ok(client, "openssl x509 -in ca-cert.pem -noout -fingerprint -sha256").trim();
        String published = http.getForObject("/pki/qa/ca-fingerprint", String.class).trim();
        assertThat(fingerprint).isEqualTo("sha256 Fingerprint=" + published);
        assertThat(delivery.text()).contains(published);
        assertThat(http.getForObject("/pki/qa/ca.pem", String.class))
                .isEqualTo(new String(delivery.attachments().get("ca-cert.pem"), StandardCharsets.US_ASCII));

        ResponseEntity<Map> verdict = http.postForEntity("/pki/qa/validate",
                new HttpEntity<>(Files.readString(client.resolve("client-cert.pem")), textHeaders()), Map.class);
        assertThat(verdict.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(verdict.getBody()).containsEntry("valid", true).containsEntry("issuedByThisCa", true).containsEntry("status", "ACTIVE");
        assertThat(jdbc.sql("select decided_by from certificate_request where reference = ?").param(reference)
                .query(String.class).single()).isEqualTo("approver");
    }

    @Test
    void secondGuideRsa2048CsrGoesToProductionByItsOuAndVerifiesAsTheGuideSays() throws Exception {
        Openssl.ok(client, "openssl genrsa -out nuvy-client.key 2048");
        Openssl.ok(client, "chmod 600 nuvy-client.key");
        Openssl.ok(client, "openssl req -new -key nuvy-client.key -out nuvy-client.csr "
                + "-subj \"/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name\"");
        String ops = address("ops");
        MAILBOX.send(Mailbox.from(ops).subject("mTLS onboarding").body("Client ID: client-name\nCompany: CLIENT_NAME\n")
                .attach("nuvy-client.csr", Files.readAllBytes(client.resolve("nuvy-client.csr"))));

        String reference = referenceIn(MAILBOX.awaitOne(ops).subject());
        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        assertThat(tasks.getVariables(approval.getId())).containsEntry("environment", "production");
        assertThat(approvalFacts(approval)).containsEntry("keyDescription", "RSA 2048");
        tasks.claim(approval.getId(), "approver");
        decide("approver", approval.getId(), Map.of(OnboardingProcess.APPROVED, true));

        Mailbox.Received delivery = MAILBOX.await(ops, 2, WAIT).get(1);
        Files.write(client.resolve("nuvy-client.crt"), delivery.attachments().get("client-cert.pem"));
        Files.write(client.resolve("nuvy-ca.crt"), delivery.attachments().get("ca-cert.pem"));

        assertThat(Openssl.ok(client, "openssl verify -CAfile nuvy-ca.crt nuvy-client.crt").trim()).isEqualTo("nuvy-client.crt: OK");
        String text = Openssl.ok(client, "openssl x509 -in nuvy-client.crt -text -noout");
        assertThat(text).contains("Subject: C = BR, O = CLIENT_NAME, OU = Production, CN = client-name")
                .contains("Issuer: CN = certdesk Production Client CA")
                .contains("Signature Algorithm: sha256WithRSAEncryption").contains("Public-Key: (2048 bit)")
                .contains("Digital Signature, Key Encipherment").contains("TLS Web Client Authentication");
        assertThat(Openssl.ok(client, "openssl x509 -in nuvy-ca.crt -text -noout")).contains("Public-Key: (4096 bit)");
        assertThat(Openssl.digest(Openssl.ok(client, "openssl rsa -in nuvy-client.key -pubout -outform DER | openssl dgst -sha256")))
                .isEqualTo(Openssl.digest(Openssl.ok(client,
                        "openssl x509 -in nuvy-client.crt -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256")));
        awaitEnded(reference, OnboardingProcess.END_DELIVERED);

        // steps 7 and 11: the production mTLS test endpoint accepts the certificate, the qa one does not
        String host = "https://127.0.0.1:" + MTLS_PRODUCTION_PORT + "/test";
        assertThat(Openssl.ok(client, "curl -sk -o /dev/null -w '%{http_code}' --cert nuvy-client.crt --key nuvy-client.key " + host))
                .as("a 404 response indicates mTLS success").isEqualTo("404");
        assertThat(Openssl.ok(client, "openssl s_client -connect 127.0.0.1:" + MTLS_PRODUCTION_PORT + " -servername localhost "
                + "-cert nuvy-client.crt -key nuvy-client.key -brief < /dev/null 2>&1")).contains("CONNECTION ESTABLISHED");
        assertThat(Openssl.run(client, "openssl s_client -connect 127.0.0.1:" + MTLS_PORT + " -servername localhost "
                + "-cert nuvy-client.crt -key nuvy-client.key -brief < /dev/null 2>&1").output()).doesNotContain("CONNECTION ESTABLISHED");
    }

    private static HttpHeaders textHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.TEXT_PLAIN);
        return headers;
    }
}
