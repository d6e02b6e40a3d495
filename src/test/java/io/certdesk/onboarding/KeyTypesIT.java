package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys the README accepts beyond the guides' own, through the whole mail path. */
class KeyTypesIT extends EmbeddedCertdeskTest {

    @TempDir
    Path client;

    @BeforeEach
    void needsOpenssl() {
        Openssl.assumeAvailable();
    }

    @Test
    void anEcP256KeyMadeWithOpensslGetsACertificateThatVerifies() throws Exception {
        String org = "p256-" + UUID.randomUUID().toString().substring(0, 6);
        Openssl.ok(client, "openssl ecparam -genkey -name prime256v1 -noout -out client-key.pem");
        Openssl.ok(client, "openssl req -new -key client-key.pem -out client.csr "
                + "-subj \"/C=NL/ST=North-Holland/L=Amsterdam/O=ACME BV/OU=API Client/CN=" + org + "\"");
        String jane = address(org);
        MAILBOX.send(Mailbox.from(jane).body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", Files.readAllBytes(client.resolve("client.csr"))));
        Mailbox.Received ack = MAILBOX.awaitOne(jane);
        assertThat(ack.subject()).contains("received");
        assertThat(ack.text()).contains("EC P-256 (256 bits)");
        String reference = referenceIn(ack.subject());

        Task approval = awaitTask(reference, OnboardingProcess.APPROVE_REQUEST);
        assertThat(approvalFacts(approval)).containsEntry("keyDescription", "EC P-256 (256 bits)");
        decide("approver", approval.getId(), Map.of(OnboardingProcess.APPROVED, true));
        Mailbox.Received delivery = MAILBOX.await(jane, 2, WAIT).get(1);
        awaitEnded(reference, OnboardingProcess.END_DELIVERED);
        Files.write(client.resolve("client-cert.pem"), delivery.attachments().get("client-cert.pem"));
        Files.write(client.resolve("ca-cert.pem"), delivery.attachments().get("ca-cert.pem"));

        assertThat(Openssl.ok(client, "openssl verify -CAfile ca-cert.pem client-cert.pem").trim()).isEqualTo("client-cert.pem: OK");
        assertThat(Openssl.ok(client, "openssl x509 -in client-cert.pem -noout -text")).contains("NIST CURVE: P-256");
        String fromKey = Openssl.digest(Openssl.ok(client, "openssl ec -in client-key.pem -pubout -outform DER | openssl dgst -sha256"));
        String fromCert = Openssl.digest(Openssl.ok(client,
                "openssl x509 -in client-cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256"));
        assertThat(fromCert).isEqualTo(fromKey);
    }
}
