package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An approved partner CA opens the mTLS endpoint only for the client certificate approved with it: what a
 * holder of another certificate from that CA, of a certificate not meant for client authentication, or of a
 * blocked certificate sees when it connects with openssl s_client.
 */
@ExtendWith(OutputCaptureExtension.class)
class PartnerTrustBoundsIT extends EmbeddedCertdeskTest {

    private static final Instant NOW = Instant.now();

    @Autowired
    IdentityService identity;
    @Autowired
    CertificateAuthorities authorities;
    @Autowired
    CertificateInventory inventory;
    @TempDir
    Path client;

    @BeforeEach
    void needsOpensslAndASecondApprover() {
        Openssl.assumeAvailable();
        approverUser("approver2");
    }

    /** A partner's PKI: root, issuing CA and the client certificate the organization registers. */
    private record PartnerPki(TestPki.Issued root, TestPki.Issued issuing, TestPki.Issued leaf) {
    }

    private static PartnerPki partnerPki(String name, String leafName) {
        TestPki.Issued root = TestPki.root("CN=" + name + " Root CA,O=" + name, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)));
        TestPki.Issued issuing = TestPki.intermediate("CN=" + name + " Issuing CA,O=" + name, root, NOW.minus(Duration.ofDays(10)),
                NOW.plus(Duration.ofDays(1000)));
        return new PartnerPki(root, issuing, TestPki.leaf(leafName, issuing, KeyPurposeId.id_kp_clientAuth));
    }

    /** Mails the chain for {@code organizationId} and has two approvers trust it; returns the trust reference. */
    private String approvePartnerChain(String organizationId, PartnerPki pki) throws Exception {
        String from = address(organizationId);
        MAILBOX.send(Mailbox.from(from).subject("Our partner certificate").body("Organization ID: " + organizationId + "\nEnvironment: qa\n")
                .attach("chain.pem", (pki.leaf().pem() + pki.issuing().pem() + pki.root().pem()).getBytes()));
        String ack = MAILBOX.awaitOne(from).subject();
        String reference = ack.substring(ack.indexOf("TR-"), ack.indexOf(']'));
        Task first = awaitTask(reference, PartnerTrustProcess.FIRST_APPROVAL);
        assertThat(tasks.getVariable(first.getId(), PartnerTrustProcess.TRUST_WARNINGS)).as("a private PKI raises no public-CA warning")
                .isEqualTo("");
        tasks.claim(first.getId(), "approver");
        decide("approver", first.getId(), Map.of(PartnerTrustProcess.FIRST_APPROVED, true));
        Task second = awaitTask(reference, PartnerTrustProcess.SECOND_APPROVAL);
        tasks.claim(second.getId(), "approver2");
        decide("approver2", second.getId(), Map.of(PartnerTrustProcess.SECOND_APPROVED, true));
        awaitEnded(reference, PartnerTrustProcess.END_TRUSTED);
        return reference;
    }

    /** openssl s_client with the client's certificate and key, as the guide has the client check its set-up. */
    private boolean handshakeSucceeds(TestPki.Issued certificate) {
        return Openssl.handshakeSucceeds(client, MTLS_PORT, certificate);
    }

    @Test
    void aClientCertificateOfAnotherOrganizationFromAPartnerCaApprovedForOneOrganizationFailsTheHandshake(CapturedOutput output)
            throws Exception {
        String orgA = "bound-a-" + UUID.randomUUID().toString().substring(0, 6);
        PartnerPki pki = partnerPki("Shared Partner " + orgA, "CN=" + orgA + ",O=Org A");
        approvePartnerChain(orgA, pki);
        assertThat(handshakeSucceeds(pki.leaf())).as("the approved client certificate of " + orgA + " connects").isTrue();

        TestPki.Issued orgBLeaf = TestPki.leaf("CN=bound-b,O=Org B", pki.issuing(), KeyPurposeId.id_kp_clientAuth);
        assertThat(handshakeSucceeds(orgBLeaf)).as("another organization's certificate from the same partner CA").isFalse();
        TestPki.Issued secondLeafOfA = TestPki.leaf("CN=" + orgA + ",O=Org A", pki.issuing(), KeyPurposeId.id_kp_clientAuth);
        assertThat(handshakeSucceeds(secondLeafOfA)).as("a certificate from the partner CA that nobody approved").isFalse();
        assertThat(output.getAll()).contains("ClientCertUntrusted: no valid path to certdesk's qa CA, and not a partner client "
                + "certificate approved for an organization").contains("CN=bound-b");
    }

    @Test
    void aPartnerCaApprovedForTwoOrganizationsAcceptsTheCertificateApprovedForEach() throws Exception {
        String orgA = "shared-a-" + UUID.randomUUID().toString().substring(0, 6);
        String orgB = "shared-b-" + UUID.randomUUID().toString().substring(0, 6);
        PartnerPki pkiA = partnerPki("Hosted " + orgA, "CN=" + orgA);
        PartnerPki pkiB = new PartnerPki(pkiA.root(), pkiA.issuing(), TestPki.leaf("CN=" + orgB, pkiA.issuing(), KeyPurposeId.id_kp_clientAuth));
        String referenceA = approvePartnerChain(orgA, pkiA);
        assertThat(handshakeSucceeds(pkiB.leaf())).as(orgB + " before its own approval").isFalse();
        String referenceB = approvePartnerChain(orgB, pkiB);

        assertThat(handshakeSucceeds(pkiA.leaf())).isTrue();
        assertThat(handshakeSucceeds(pkiB.leaf())).isTrue();
        assertThat(jdbc.sql("select count(*) from trust_audit where action = 'TRUSTED' and reference in (?, ?)")
                .params(referenceA, referenceB).query(Long.class).single()).as("each organization's approval is on record").isEqualTo(4);
    }

    /** A reference of the kind certdesk gave before clientAuth was required at the handshake. */
    private static String legacyReference(String prefix) {
        return prefix + "-2025-" + String.format("%06d", new SecureRandom().nextInt(1_000_000));
    }

    @Test
    void aCertificateWithoutClientAuthFailsTheHandshakeFromCertdesksOwnCaAndFromAnApprovedPartnerCa(CapturedOutput output)
            throws Exception {
        CertificateAuthority qa = authorities.get("qa");
        TestPki.Issued serverOnly = TestPki.leafSignedBy("C=NL,O=ACME BV,CN=server-only", qa.certificate(), qa.newSigner(),
                KeyPurposeId.id_kp_serverAuth);
        inventory.record(new IssuedCertificate(SerialNumbers.hex(serverOnly.certificate().getSerialNumber()), "qa", legacyReference("CR"),
                "server-only", serverOnly.certificate().getSubjectX500Principal().getName(),
                Fingerprints.sha256Hex(serverOnly.certificate().getPublicKey().getEncoded()), NOW.minus(Duration.ofDays(1)),
                serverOnly.certificate().getNotAfter().toInstant(), IssuedCertificate.Status.ACTIVE, serverOnly.pem(), NOW, null, null));
        assertThat(handshakeSucceeds(serverOnly)).as("a certificate certdesk's CA signed for servers only").isFalse();

        String org = "noeku-" + UUID.randomUUID().toString().substring(0, 6);
        PartnerPki pki = partnerPki("Partner " + org, "CN=" + org);
        approvePartnerChain(org, pki);
        TestPki.Issued noUsage = TestPki.leaf("CN=" + org + "-legacy", pki.issuing(), null);
        inventory.recordPartnerLeaf(new IssuedCertificate(PartnerTrustService.inventoryKey(ChainCheck.fingerprint(noUsage.certificate())),
                "qa", legacyReference("TR"), org, noUsage.certificate().getSubjectX500Principal().getName(),
                Fingerprints.sha256Hex(noUsage.certificate().getPublicKey().getEncoded()), noUsage.certificate().getNotBefore().toInstant(),
                noUsage.certificate().getNotAfter().toInstant(), IssuedCertificate.Status.ACTIVE, noUsage.pem(), NOW, null, null));
        assertThat(handshakeSucceeds(noUsage)).as("a registered partner certificate without extendedKeyUsage").isFalse();
        assertThat(handshakeSucceeds(pki.leaf())).as("the same organization's clientAuth certificate").isTrue();

        assertThat(output.getAll()).contains("ClientCertUntrusted: the certificate is not for client authentication: its extended key "
                + "usage lacks clientAuth").contains("ClientCertUntrusted: the certificate is not for client authentication: it has no "
                + "extended key usage");
    }

    private ResponseEntity<String> block(String user, String password, String json) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return (user == null ? http : http.withBasicAuth(user, password))
                .postForEntity("/admin/partner-blocks", new HttpEntity<>(json, headers), String.class);
    }

    @Test
    void anAdministratorBlocksAPartnerCertificateByFingerprintAndItFailsAtTheNextHandshake(CapturedOutput output) throws Exception {
        String org = "blocked-" + UUID.randomUUID().toString().substring(0, 6);
        PartnerPki pki = partnerPki("Partner " + org, "CN=" + org);
        String reference = approvePartnerChain(org, pki);
        Files.writeString(client.resolve("leaked.crt"), pki.leaf().pem());
        Files.writeString(client.resolve("leaked.key"), TestCsrs.privateKeyPem(pki.leaf().keys()));
        String resume = "openssl s_client -connect 127.0.0.1:" + MTLS_PORT + " -servername localhost -cert leaked.crt -key leaked.key -brief ";
        assertThat(Openssl.run(client, resume + "-sess_out session.pem < /dev/null 2>&1").output()).contains("CONNECTION ESTABLISHED");
        long sessionStarted = System.nanoTime();
        String fingerprint = Openssl.ok(client, "openssl x509 -in leaked.crt -noout -fingerprint -sha256").trim();
        String body = "{\"fingerprint\":\"" + fingerprint + "\",\"reason\":\"key leaked\",\"blockedBy\":\"someone-else\"}";

        assertThat(block(null, null, body).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(block("approver", "approver", body).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(handshakeSucceeds(pki.leaf())).as("refused attempts block nothing").isTrue();

        ResponseEntity<String> blocked = block("admin", "admin", body);
        assertThat(blocked.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(blocked.getBody()).contains(ChainCheck.fingerprint(pki.leaf().certificate())).contains("\"blockedBy\":\"admin\"");
        assertThat(handshakeSucceeds(pki.leaf())).as("the blocked certificate at the next handshake").isFalse();
        // the listeners keep a TLS session one second: a block reaches every session at most a second after it
        Thread.sleep(Math.max(0, Duration.ofMillis(1500).minusNanos(System.nanoTime() - sessionStarted).toMillis()));
        assertThat(Openssl.run(client, resume + "-sess_in session.pem < /dev/null 2>&1").output())
                .as("resuming the TLS session of before the block").doesNotContain("CONNECTION ESTABLISHED");
        assertThat(output.getAll()).contains("ClientCertUntrusted: the certificate was blocked by an administrator").contains("(key leaked)");

        assertThat(block("admin", "admin", body).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(http.withBasicAuth("admin", "admin").getForObject("/admin/partner-blocks", String.class))
                .contains(ChainCheck.fingerprint(pki.leaf().certificate()));
        assertThat(http.withBasicAuth("approver", "approver").getForEntity("/admin/partner-blocks", String.class).getStatusCode())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(jdbc.sql("select actor from trust_audit where action = 'BLOCKED' and reference = ?").param(reference)
                .query(String.class).list()).containsExactly("admin");
    }
}
