package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** Step 12 of the second guide: a client's partner CA chain, checked, approved by two people, then trusted. */
class PartnerTrustIT extends EmbeddedCertdeskTest {

    @Autowired
    IdentityService identity;
    @TempDir
    Path client;

    private static final Instant NOW = Instant.now();

    private void secondApprover() {
        approverUser("approver2");
    }

    private String sendChain(String from, String org, String... pems) throws Exception {
        MAILBOX.send(Mailbox.from(from).subject("Our partner certificate").body("Organization ID: " + org + "\nEnvironment: qa\n")
                .attach("chain.pem", String.join("", pems).getBytes()));
        return MAILBOX.awaitOne(from).subject();
    }

    @Test
    void aPartnerChainIsTrustedAfterTwoDifferentApproversAndItsClientConnects() throws Exception {
        secondApprover();
        TestPki.Issued root = TestPki.root("CN=Partner Root CA,O=Partner", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)));
        TestPki.Issued intermediate = TestPki.intermediate("CN=Partner Issuing CA,O=Partner", root, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(1000)));
        TestPki.Issued leaf = TestPki.leaf("CN=partner-client,O=Acme Partner Client", intermediate, KeyPurposeId.id_kp_clientAuth);
        String from = address("partner");
        String ack = sendChain(from, "partner-1", leaf.pem(), intermediate.pem(), root.pem());
        String reference = ack.substring(ack.indexOf("TR-"), ack.indexOf(']'));
        assertThat(ack).contains("Partner CA received");

        Task first = awaitTask(reference, PartnerTrustProcess.FIRST_APPROVAL);
        assertThat((String) tasks.getVariable(first.getId(), PartnerTrustProcess.CA_CERTIFICATES))
                .contains("CN=Partner Root CA").contains("CN=Partner Issuing CA").contains("SHA-256:");
        tasks.claim(first.getId(), "approver");
        decide("approver", first.getId(), Map.of(PartnerTrustProcess.FIRST_APPROVED, true));

        Task second = awaitTask(reference, PartnerTrustProcess.SECOND_APPROVAL);
        tasks.claim(second.getId(), "approver");
        assertThatThrownBy(() -> decide("approver", second.getId(), Map.of(PartnerTrustProcess.SECOND_APPROVED, true)))
                .hasMessageContaining("Four eyes");
        tasks.setAssignee(second.getId(), "approver2");
        decide("approver2", second.getId(), Map.of(PartnerTrustProcess.SECOND_APPROVED, true));

        Mailbox.Received confirmed = MAILBOX.await(from, 2, WAIT).get(1);
        awaitEnded(reference, PartnerTrustProcess.END_TRUSTED);
        assertThat(confirmed.subject()).contains("Partner CA trusted");
        String bundle = http.getForObject("/pki/qa/trust-bundle.pem", String.class);
        assertThat(bundle).contains("certdesk QA Client CA").contains("CN=Partner Root CA").contains("CN=Partner Issuing CA");
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(new ByteArrayInputStream(http.getForObject("/pki/qa/trust-bundle.jks", byte[].class)), "changeit".toCharArray());
        assertThat(jks.size()).isGreaterThanOrEqualTo(3);
        assertThat(jdbc.sql("select actor from trust_audit where reference = ?").param(reference).query(String.class).list())
                .hasSize(2).allSatisfy(actor -> assertThat(actor).isEqualTo("approver, approver2"));
        assertThat(jdbc.sql("select count(*) from expiry_reminder r join issued_certificate c on c.serial = r.serial "
                + "where c.request_reference = ? and c.issuer_kind = 'PARTNER'").param(reference).query(Long.class).single())
                .as("the partner's client certificate is tracked for expiry").isGreaterThan(0);

        Openssl.assumeAvailable();
        Files.writeString(client.resolve("client.crt"), leaf.pem());
        Files.writeString(client.resolve("client.key"), TestCsrs.privateKeyPem(leaf.keys()));
        assertThat(Openssl.ok(client, "curl -sk -o /dev/null -w '%{http_code}' --cert client.crt --key client.key https://127.0.0.1:"
                + MTLS_PORT + "/test")).isEqualTo("404");
        assertThat(Openssl.ok(client, "openssl s_client -connect 127.0.0.1:" + MTLS_PORT + " -cert client.crt -key client.key -brief < /dev/null 2>&1"))
                .contains("CONNECTION ESTABLISHED");
    }

    @Test
    void aBrokenChainGetsEveryProblemNamed() throws Exception {
        TestPki.Issued root = TestPki.root("CN=Old Root,O=Partner", NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(1)));
        TestPki.Issued intermediate = TestPki.intermediate("CN=Old Issuing CA,O=Partner", root, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(100)));
        TestPki.Issued serverOnly = TestPki.leaf("CN=not-a-client", intermediate, KeyPurposeId.id_kp_serverAuth);
        String from = address("broken");
        String subject = sendChain(from, "partner-2", serverOnly.pem(), intermediate.pem(), root.pem());
        assertThat(subject).contains("refused");
        Mailbox.Received reply = MAILBOX.awaitOne(from);
        assertThat(reply.text()).contains("not for client authentication").containsPattern("\"[^\"]*CN=Old Root[^\"]*\" expired on");
    }

    @Test
    void aMissingIntermediateIsNamed() throws Exception {
        TestPki.Issued root = TestPki.root("CN=Root Two,O=Partner", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(1000)));
        TestPki.Issued intermediate = TestPki.intermediate("CN=Issuing Two,O=Partner", root, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(100)));
        TestPki.Issued leaf = TestPki.leaf("CN=client-two", intermediate, KeyPurposeId.id_kp_clientAuth);
        String from = address("missing");
        sendChain(from, "partner-3", leaf.pem(), root.pem());
        assertThat(MAILBOX.awaitOne(from).text()).contains("The CA certificate that issued \"CN=client-two\" is missing")
                .contains("CN=Issuing Two");
    }

    @Test
    void aSelfSignedClientCertificateOrOnlyCasAreRefused() throws Exception {
        String selfSigned = address("selfsigned");
        sendChain(selfSigned, "partner-4", TestPki.selfSignedLeaf("CN=lonely").pem());
        assertThat(MAILBOX.awaitOne(selfSigned).text()).contains("is self-signed");

        String onlyCa = address("onlyca");
        sendChain(onlyCa, "partner-5", TestPki.root("CN=Just A Root", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10))).pem());
        assertThat(MAILBOX.awaitOne(onlyCa).text()).contains("a CA certificate cannot be used as the client certificate");
    }
}
