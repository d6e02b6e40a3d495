package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.Pem;
import io.certdesk.inventory.Organizations;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A partner's chain is the sender's own making: what it cannot smuggle past the two approvers, into the trust bundle
 * gateways load, or across environments, checked with openssl as the partner's client and a gateway would.
 */
class PartnerChainAbuseIT extends EmbeddedCertdeskTest {

    private static final Instant NOW = Instant.now();

    @Autowired
    CertificateAuthorities authorities;
    @Autowired
    PartnerCas partners;
    @Autowired
    PartnerTrustService trust;
    @Autowired
    Organizations organizations;
    @TempDir
    Path client;

    @BeforeEach
    void needsOpensslAndASecondApprover() {
        Openssl.assumeAvailable();
        approverUser("approver2");
    }

    private static String organization(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** A chain mailed from an address, and the trust reference certdesk's first answer gave it. */
    private record Sent(String from, String reference) {
    }

    /** Mails the chain for the organization and environment. */
    private Sent mailChain(String organizationId, String environment, X509Certificate... chain) throws Exception {
        return mailChainFrom(address(organizationId), organizationId, environment, chain);
    }

    private Sent mailChainFrom(String from, String organizationId, String environment, X509Certificate... chain) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(Pem.encode(certificate));
        }
        MAILBOX.send(Mailbox.from(from).subject("Our partner certificate").body("Organization ID: " + organizationId
                + "\nEnvironment: " + environment + "\n").attach("chain.pem", pem.toString().getBytes()));
        String subject = MAILBOX.awaitOne(from).subject();
        return new Sent(from, subject.substring(subject.indexOf("TR-"), subject.indexOf(']')));
    }

    private void approveTwice(Sent sent) throws Exception {
        String reference = sent.reference();
        Task first = awaitTask(reference, PartnerTrustProcess.FIRST_APPROVAL);
        tasks.claim(first.getId(), "approver");
        decide("approver", first.getId(), Map.of(PartnerTrustProcess.FIRST_APPROVED, true));
        Task second = awaitTask(reference, PartnerTrustProcess.SECOND_APPROVAL);
        tasks.claim(second.getId(), "approver2");
        decide("approver2", second.getId(), Map.of(PartnerTrustProcess.SECOND_APPROVED, true));
        awaitEnded(reference, PartnerTrustProcess.END_TRUSTED);
    }

    /** Every mail certdesk sent about a refused chain, as one text. */
    private String refusal(Sent sent) throws Exception {
        awaitEnded(sent.reference(), PartnerTrustProcess.END_CHAIN_REJECTED);
        // as one line: a refusal wraps its sentences
        return String.join(" ", MAILBOX.read(sent.from(), "INBOX").stream().map(Mailbox.Received::text).toList()).replaceAll("\\s+", " ");
    }

    private boolean handshakeSucceeds(int port, TestPki.Issued certificate) {
        return Openssl.handshakeSucceeds(client, port, certificate);
    }

    @Test
    void aStrangerWhoseChainForAnExistingOrganizationIsApprovedIsNotMadeItsTechnicalContact() throws Exception {
        String org = organization("known");
        TestPki.Issued ownersRoot = TestPki.root("CN=Known Root CA,O=Known", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        Sent owners = mailChain(org, "qa", TestPki.leaf("CN=" + org, ownersRoot, KeyPurposeId.id_kp_clientAuth).certificate(),
                ownersRoot.certificate());
        approveTwice(owners);

        // someone else writes the organization's id under a chain of a CA of their own making
        String stranger = address("eve");
        TestPki.Issued evesRoot = TestPki.root("CN=Eve Root CA,O=Eve", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        MAILBOX.send(Mailbox.from(stranger).subject("Our partner certificate").body("Organization ID: " + org + "\nEnvironment: qa\n")
                .attach("chain.pem", (TestPki.leaf("CN=" + org + "-eve", evesRoot, KeyPurposeId.id_kp_clientAuth).pem() + evesRoot.pem()).getBytes()));
        String subject = MAILBOX.awaitOne(stranger).subject();
        Sent eves = new Sent(stranger, subject.substring(subject.indexOf("TR-"), subject.indexOf(']')));
        Task first = awaitTask(eves.reference(), PartnerTrustProcess.FIRST_APPROVAL);
        assertThat((String) tasks.getVariable(first.getId(), PartnerTrustProcess.TRUST_WARNINGS)).as("what both approvers read")
                .contains(stranger + " is not a registered contact of " + org).contains(owners.from());

        // approved all the same: the organization's reminders and revocation rights stay with its technical contact
        approveTwice(eves);
        assertThat(jdbc.sql("select role from organization_contact where organization_id = ? and email = ?").params(org, stranger)
                .query(String.class).list()).containsExactly("REQUESTER");
        assertThat(jdbc.sql("select role from organization_contact where organization_id = ? and email = ?").params(org, owners.from())
                .query(String.class).list()).containsExactly("TECHNICAL");
    }

    @Test
    void anOrganizationIdThatOnlyLooksLikeARegisteredOneIsRefusedBeforeAnyApproverIsAsked() throws Exception {
        // a zero-width space or other case: no organization of that id was known, so neither approver was told that the
        // sender is no contact of the one it looks like, and the sender became the new organization's technical contact
        String registered = organization("looks");
        organizations.ensure(registered, "Looks BV", NOW);
        TestPki.Issued root = TestPki.root("CN=Look-alike Root CA,O=Eve", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        for (String posing : List.of(registered + "\u200B", registered.toUpperCase(Locale.ROOT), registered.replace('-', '.'),
                "certdesk/mtls-server")) {
            Sent sent = mailChainFrom(address("eve"), posing, "qa", TestPki.leaf("CN=" + registered, root, KeyPurposeId.id_kp_clientAuth).certificate(),
                    root.certificate());
            assertThat(refusal(sent)).as(posing).containsAnyOf("is not valid: use up to 64 letters",
                    "reads like the organization id " + registered + ", which is taken");
            assertThat(tasks.createTaskQuery().processInstanceBusinessKey(sent.reference()).count()).as("no approver is asked").isZero();
        }
    }

    @Test
    void aChainMailWithHundredsOfCertificatesNamedLikeItsRootIsRefusedWithoutTryingThem() throws Exception {
        String org = organization("crowd");
        TestPki.Issued root = TestPki.root("CN=Crowd Root CA,O=Crowd", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        TestPki.Issued leaf = TestPki.leaf("CN=" + org, root, KeyPurposeId.id_kp_clientAuth);
        // decoys named like the root, with 3072-bit RSA keys and 3072-bit exponents: each one a signature check of
        // about 14 ms, at every level of the path, and the attacker needs no private key for any of them
        List<X509Certificate> mail = new ArrayList<>(List.of(leaf.certificate()));
        SecureRandom random = new SecureRandom();
        KeyPair anySigner = TestCsrs.ec("secp256r1");
        for (int i = 0; i < 300; i++) {
            BigInteger modulus = new BigInteger(3072, random).setBit(3071).setBit(0);
            BigInteger exponent = new BigInteger(3071, random).setBit(3070).setBit(0);
            SubjectPublicKeyInfo key = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    new org.bouncycastle.asn1.pkcs.RSAPublicKey(modulus, exponent));
            X509v3CertificateBuilder decoy = new X509v3CertificateBuilder(new X500Name("CN=Crowd Root CA,O=Crowd"), BigInteger.valueOf(i + 1),
                    Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(900))), new X500Name("CN=Crowd Root CA,O=Crowd"), key);
            decoy.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            mail.add(new JcaX509CertificateConverter().getCertificate(decoy.build(new JcaContentSignerBuilder("SHA256withECDSA").build(anySigner.getPrivate()))));
        }
        mail.add(root.certificate());

        Sent sent = mailChain(org, "qa", mail.toArray(X509Certificate[]::new));
        assertThat(refusal(sent)).contains("The mail holds 302 certificates; a chain has at most 11");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(sent.reference()).count()).as("no approver is asked").isZero();
    }

    @Test
    void aPartnerRootWhoseNameCarriesAnotherCertificateIsRefusedAndTheBundleCannotBeMadeToCarryIt() throws Exception {
        String org = organization("hidden");
        // a CA of the sender's making, named like certdesk's, and a client certificate it made for someone else
        TestPki.Issued rogue = TestPki.root("CN=certdesk QA Client CA,O=certdesk,C=NL", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        TestPki.Issued forged = TestPki.leaf("CN=acme-42,O=ACME BV", rogue, KeyPurposeId.id_kp_clientAuth);
        X500Name hiding = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "Hidden Partner Root CA")
                .addRDN(BCStyle.OU, "\n" + rogue.pem()).build();
        TestPki.Issued root = TestPki.root(hiding, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        TestPki.Issued leaf = TestPki.leaf("CN=" + org, root, KeyPurposeId.id_kp_clientAuth);

        Sent sent = mailChain(org, "qa", leaf.certificate(), root.certificate());
        String reference = sent.reference();
        assertThat(refusal(sent)).contains("control or invisible characters");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(reference).count()).as("no approver is asked").isZero();

        // a CA trusted before names were checked: the bundle names it on one line, and carries nothing else
        String fingerprint = ChainCheck.fingerprint(root.certificate());
        partners.add("qa", fingerprint, org, ChainCheck.name(root.certificate()), Pem.encode(root.certificate()), reference,
                "approver, approver2", NOW);
        try {
            Files.writeString(client.resolve("bundle.pem"), http.getForObject("/pki/qa/trust-bundle.pem", String.class));
            Files.writeString(client.resolve("forged.pem"), forged.pem());
            String listed = Openssl.ok(client, "openssl crl2pkcs7 -nocrl -certfile bundle.pem | openssl pkcs7 -print_certs -noout");
            assertThat(listed.lines().filter(line -> line.startsWith("subject=")).count()).as(listed)
                    .isEqualTo(partners.forEnvironment("qa").size() + authorities.trusted("qa").size());
            assertThat(Openssl.run(client, "openssl verify -CAfile bundle.pem forged.pem 2>&1").output())
                    .as("a gateway that loads the bundle").doesNotContain("forged.pem: OK");
        } finally {
            jdbc.sql("delete from partner_ca_grant where fingerprint = ?").param(fingerprint).update();
            jdbc.sql("delete from partner_ca where fingerprint = ?").param(fingerprint).update();
        }
    }

    @Test
    void aPartnerClientCertificateApprovedForQaOpensNothingInProduction() throws Exception {
        String org = organization("one-env");
        TestPki.Issued root = TestPki.root("CN=" + org + " Root CA", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)));
        TestPki.Issued qaLeaf = TestPki.leaf("CN=" + org + ",OU=qa", root, KeyPurposeId.id_kp_clientAuth);
        TestPki.Issued productionLeaf = TestPki.leaf("CN=" + org + ",OU=production", root, KeyPurposeId.id_kp_clientAuth);
        approveTwice(mailChain(org, "qa", qaLeaf.certificate(), root.certificate()));
        approveTwice(mailChain(org, "production", productionLeaf.certificate(), root.certificate()));

        assertThat(handshakeSucceeds(MTLS_PORT, qaLeaf)).isTrue();
        assertThat(handshakeSucceeds(MTLS_PRODUCTION_PORT, productionLeaf)).isTrue();
        assertThat(handshakeSucceeds(MTLS_PRODUCTION_PORT, qaLeaf)).as("the qa client certificate in production").isFalse();

        // the same client certificate mailed again for production is refused: it is trusted for qa
        Sent again = mailChain(org, "production", qaLeaf.certificate(), root.certificate());
        assertThat(refusal(again)).contains("already trusted for " + org + " in qa");

        // a certificate request of the organization renews nothing of the partner's: that is not certdesk's to revoke
        String requester = address(org);
        MAILBOX.send(Mailbox.from(requester).body("Organization ID: " + org + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + org, TestCsrs.ec("secp384r1"))).getBytes()));
        Task approval = awaitTask(referenceIn(MAILBOX.awaitOne(requester).subject()), "UserTask_ApproveRequest");
        assertThat(approvalFacts(approval).get("findings").toString()).doesNotContain("RENEWAL").doesNotContain("P-");
    }

    @Test
    void certdesksOwnCaAndCertificatesAreNoPartnerChain() throws Exception {
        String org = organization("own-ca");
        Issued issued = onboard(org, "qa", TestCsrs.ec("secp384r1"));
        X509Certificate qaCa = authorities.get("qa").certificate();
        // a key-compromised qa certificate would otherwise open production
        Sent sent = mailChain(org, "production", Pem.certificate(issued.certificatePem()), qaCa);
        assertThat(refusal(sent)).contains("certdesk's own qa CA").contains("has a key certdesk certified");

        // a CA of the sender's making under certdesk's CA's name
        String other = organization("own-name");
        TestPki.Issued lookalike = TestPki.root(qaCa.getSubjectX500Principal().getName(), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        TestPki.Issued leaf = TestPki.leaf("CN=" + other, lookalike, KeyPurposeId.id_kp_clientAuth);
        assertThat(refusal(mailChain(other, "qa", leaf.certificate(), lookalike.certificate()))).contains("certdesk's own qa CA");
    }

    @Test
    void aPartnerCaTheSecondApproverDeclinedIsNeverTrustedEvenIfItsTrustStepRuns() throws Exception {
        String org = organization("declined");
        TestPki.Issued root = TestPki.root("CN=" + org + " Root CA", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3000)));
        TestPki.Issued leaf = TestPki.leaf("CN=" + org, root, KeyPurposeId.id_kp_clientAuth);
        Sent sent = mailChain(org, "qa", leaf.certificate(), root.certificate());
        Task first = awaitTask(sent.reference(), PartnerTrustProcess.FIRST_APPROVAL);
        decide("approver", first.getId(), Map.of(PartnerTrustProcess.FIRST_APPROVED, true));
        Task second = awaitTask(sent.reference(), PartnerTrustProcess.SECOND_APPROVAL);
        decide("approver2", second.getId(), Map.of(PartnerTrustProcess.SECOND_APPROVED, false, "rejectionReason", "Unknown partner"));
        awaitEnded(sent.reference(), PartnerTrustProcess.END_TRUST_REJECTED);

        // two different people decided, but not both for it: the step that trusts (reached by any route) refuses
        long id = jdbc.sql("select id from trust_request where reference = ?").param(sent.reference()).query(Long.class).single();
        assertThatThrownBy(() -> trust.trust(id, "admin")).hasMessageContaining("not approved by both approvers");
        assertThat(partners.forEnvironment("qa")).noneMatch(ca -> ca.certificate().equals(root.certificate()));
        assertThat(handshakeSucceeds(MTLS_PORT, leaf)).isFalse();
    }

    @Test
    void aPartnerRootThatExpiredOpensNothingThroughTheCaItIssued() throws Exception {
        String org = organization("expiring");
        TestPki.Issued root = TestPki.root("CN=" + org + " Root CA", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(2)));
        TestPki.Issued issuing = TestPki.intermediate("CN=" + org + " Issuing CA", root, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(1000)));
        TestPki.Issued leaf = TestPki.leaf("CN=" + org, issuing, KeyPurposeId.id_kp_clientAuth);
        approveTwice(mailChain(org, "qa", leaf.certificate(), issuing.certificate(), root.certificate()));
        assertThat(handshakeSucceeds(MTLS_PORT, leaf)).isTrue();

        clock.moveBy(Duration.ofDays(3));
        assertThat(handshakeSucceeds(MTLS_PORT, leaf)).as("three days later, the root expired").isFalse();
    }
}
