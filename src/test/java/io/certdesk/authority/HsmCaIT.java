package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.config.CaCeremony;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.Ports;
import io.certdesk.support.SoftHsm;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.assertj.core.api.Assertions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * CA keys in a real PKCS#11 token (SoftHSM2): made by the key ceremony inside the token, never extractable, and
 * everything certdesk signs (certificates, CRLs, OCSP answers, the mTLS listener's certificate) signed there and
 * checked with openssl; the start-up refusals; a token lost while running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HsmCaIT {

    static final String EC_TOKEN = "certdesk-ec";
    static final String RSA_TOKEN = "certdesk-rsa";
    static final String LOCKED_TOKEN = "certdesk-locked";
    static final String ODD_TOKEN = "certdesk-odd";
    static final String OUTAGE_TOKEN = "certdesk-outage";
    static final String CEREMONY_TOKEN = "certdesk-ceremony";

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void tokensAndKeyCeremonies() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put(EC_TOKEN, "1111");
        tokens.put(RSA_TOKEN, "2222");
        tokens.put(LOCKED_TOKEN, "3333");
        tokens.put(ODD_TOKEN, "4444");
        tokens.put(OUTAGE_TOKEN, "5555");
        tokens.put(CEREMONY_TOKEN, "6666");
        SoftHsm.tokens(tokens);
        // keys made with the token's own tool, before this JVM first loads the module: a software key imported
        // (so extractable), and an RSA 2048 key made in the token, each with a certificate under its label
        Openssl.assumeAvailable();
        Openssl.ok(shared, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -nodes -keyout leaky.key "
                + "-out leaky.pem -subj /CN=leaky -days 10 && openssl x509 -in leaky.pem -outform DER -out leaky.der");
        SoftHsm.pkcs11Tool(ODD_TOKEN, "--write-object " + shared.resolve("leaky.key") + " --type privkey --id 03 --label leaky --extractable");
        SoftHsm.pkcs11Tool(ODD_TOKEN, "--write-object " + shared.resolve("leaky.der") + " --type cert --id 03 --label leaky");
        SoftHsm.pkcs11Tool(ODD_TOKEN, "--keypairgen --key-type rsa:2048 --id 04 --label small");
        SoftHsm.pkcs11Tool(ODD_TOKEN, "--read-object --type pubkey --id 04 -o " + shared.resolve("small.pub.der"));
        Files.write(shared.resolve("small.der"), placeholderCertificate(Files.readAllBytes(shared.resolve("small.pub.der"))));
        SoftHsm.pkcs11Tool(ODD_TOKEN, "--write-object " + shared.resolve("small.der") + " --type cert --id 04 --label small");

        Pkcs11Authority.createCa("qa", SoftHsm.settings(EC_TOKEN, "qa-ca"), CaKeyType.EC_P384, "CN=Token QA CA,O=certdesk,C=NL", Duration.ofDays(3650));
        Pkcs11Authority.createCa("qa", SoftHsm.settings(RSA_TOKEN, "qa-ca"), CaKeyType.RSA_4096, "CN=Token RSA CA,O=certdesk,C=NL", Duration.ofDays(3650));
        Pkcs11Authority.createCa("qa", SoftHsm.settings(OUTAGE_TOKEN, "qa-ca"), CaKeyType.EC_P384, "CN=Token Outage CA,O=certdesk,C=NL", Duration.ofDays(3650));
    }

    @Test
    @Order(0)
    void theKeyCeremonyCommandGeneratesTheKeyInTheTokenAndWritesTheCaCertificate() throws Exception {
        Openssl.assumeAvailable();
        Path pem = dir.resolve("qa-ca.pem");
        int status = CaCeremony.run(new String[]{
                "--certdesk.environments.qa.ca-key-type=EC_P384",
                "--certdesk.environments.qa.pkcs11.library=" + SoftHsm.MODULE,
                "--certdesk.environments.qa.pkcs11.token-label=" + CEREMONY_TOKEN,
                "--certdesk.environments.qa.pkcs11.key-label=qa-ca",
                "--certdesk.environments.qa.pkcs11.pin=6666",
                "--certdesk.ca-ceremony.environment=qa",
                "--certdesk.ca-ceremony.subject=CN=Example QA Client CA,O=Example,C=NL",
                "--certdesk.ca-ceremony.out=" + pem});
        assertThat(status).isZero();
        assertThat(Openssl.ok(dir, "openssl x509 -in qa-ca.pem -noout -text"))
                .contains("Subject: CN = Example QA Client CA, O = Example, C = NL").contains("CA:TRUE, pathlen:0")
                .contains("Certificate Sign, CRL Sign").contains("ecdsa-with-SHA384").contains("NIST CURVE: P-384");
        assertThat(Openssl.ok(dir, "openssl verify -CAfile qa-ca.pem qa-ca.pem").trim()).isEqualTo("qa-ca.pem: OK");
        assertThat(SoftHsm.pkcs11Tool(CEREMONY_TOKEN, "--list-objects"))
                .contains("Private Key Object; EC").contains("sensitive, always sensitive, never extractable, local")
                .contains("Certificate Object").contains("label:      qa-ca");
        assertThat(Pkcs11Authority.open("qa", SoftHsm.settings(CEREMONY_TOKEN, "qa-ca")).certificatePem()).isEqualTo(Files.readString(pem));
    }

    @Test
    @Order(1)
    void anEcP384CaInTheTokenSignsCertificatesCrlsOcspAndTheMtlsListener() throws Exception {
        assertThat(SoftHsm.pkcs11Tool(EC_TOKEN, "--list-objects --type privkey"))
                .as("the key ceremony's key").contains("sensitive").contains("never extractable").contains("local");
        issueAndCheckWithOpenssl(EC_TOKEN, "ecdsa-with-SHA384");
    }

    @Test
    @Order(2)
    void anRsa4096CaInTheTokenSignsCertificatesCrlsOcspAndTheMtlsListener() throws Exception {
        issueAndCheckWithOpenssl(RSA_TOKEN, "sha256WithRSAEncryption");
    }

    @Test
    @Order(3)
    void aWrongPinStopsTheStartNamingTheEnvironmentAndTheVariable() {
        Map<String, Object> properties = properties(LOCKED_TOKEN, Ports.free(), Ports.free());
        properties.put("certdesk.environments.qa.pkcs11.pin", "0000");
        properties.put("certdesk.environments.qa.pkcs11.key-label", "qa-ca");
        Throwable refused = Assertions.catchThrowable(() -> StandaloneCertdesk.start(properties).close());
        assertThat(refused).as("certdesk does not start").isNotNull();
        Throwable reason = refused;
        while (reason != null && (reason.getMessage() == null || !reason.getMessage().startsWith("environment 'qa'"))) {
            reason = reason.getCause();
        }
        assertThat(reason).as("a reason naming the environment in " + refused).isNotNull();
        assertThat(reason.getMessage()).startsWith("environment 'qa': PKCS#11 token 'certdesk-locked' refused the PIN (")
                .contains("CKR_PIN_INCORRECT")
                .endsWith("); set CERTDESK_QA_PKCS11_PIN to the token's user PIN");
    }

    @Test
    @Order(4)
    void aMissingTokenAnUnknownKeyAnExtractableKeyAWrongKeyTypeAndAForeignCertificateAreRefused() {
        assertThatThrownBy(() -> Pkcs11Authority.open("qa", SoftHsm.settings(EC_TOKEN, "qa-ca").withToken("certdesk-absent")))
                .hasMessageStartingWith("environment 'qa': no PKCS#11 token labelled 'certdesk-absent' in " + SoftHsm.MODULE
                        + " (tokens present: ").hasMessageContaining("'certdesk-ec'")
                .hasMessageEndingWith("); is the token initialised and reachable?");
        assertThatThrownBy(() -> Pkcs11Authority.open("qa", SoftHsm.settings(EC_TOKEN, "nope")))
                .hasMessage("environment 'qa': no private key labelled 'nope' on PKCS#11 token 'certdesk-ec' (keys with a "
                        + "certificate on it: 'qa-ca'); make it with the key ceremony or set certdesk.environments.qa.pkcs11.key-label");
        assertThatThrownBy(() -> Pkcs11Authority.open("qa", SoftHsm.settings(ODD_TOKEN, "leaky")))
                .hasMessage("environment 'qa': key 'leaky' on PKCS#11 token 'certdesk-odd' can leave the token (it is extractable "
                        + "or not sensitive); a CA key must be generated in the token as sensitive and never extractable");
        assertThatThrownBy(() -> Pkcs11Authority.open("qa", SoftHsm.settings(ODD_TOKEN, "small")))
                .hasMessage("environment 'qa': key 'small' on PKCS#11 token 'certdesk-odd' is RSA 2048; a certdesk CA key is RSA 4096 or EC P-384");
        assertThatThrownBy(() -> Pkcs11Authority.open("qa", SoftHsm.settings(EC_TOKEN, "qa-ca").withCertificate(caPemOf(OUTAGE_TOKEN))))
                .hasMessage("environment 'qa': key 'qa-ca' on PKCS#11 token 'certdesk-ec' does not belong to the CA certificate "
                        + "C=NL,O=certdesk,CN=Token Outage CA (its signature does not verify with the certificate's public key)");
        assertThatThrownBy(() -> Pkcs11Authority.createCa("qa", SoftHsm.settings(EC_TOKEN, "qa-ca"), CaKeyType.EC_P384, "CN=Again", Duration.ofDays(1)))
                .hasMessage("environment 'qa': PKCS#11 token 'certdesk-ec' already holds a key labelled 'qa-ca'; certdesk never replaces a CA key");
    }

    @Test
    @Order(5)
    void aTokenSessionLostWhileRunningIsReopenedAtTheNextSignature() {
        CertificateAuthority ca = Pkcs11Authority.open("qa", SoftHsm.settings(EC_TOKEN, "qa-ca"));
        ca.signer().check();
        try {
            ((AuthProvider) ((Pkcs11Signer) ca.signer()).provider()).logout();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> ca.signer().check()).as("the signature in flight when the session is lost fails")
                .hasMessageStartingWith("environment 'qa': the CA key 'qa-ca' on PKCS#11 token 'certdesk-ec' cannot sign: ");
        ca.signer().check();
        ca.signer().check();
    }

    @Test
    @Order(6)
    void aTokenGoneWhileRunningMakesTheSigningJobAnIncidentAndIssuesNothing() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties(OUTAGE_TOKEN, smtp, imap))) {
            Path token = SoftHsm.tokenDirectory(OUTAGE_TOKEN);
            Path away = token.resolveSibling(token.getFileName() + ".unplugged");
            Files.move(token, away);
            try {
                String reference = request(certdesk, mailbox, "outage-1", "outage@acme.test");
                ManagementService management = certdesk.bean(ManagementService.class);
                RuntimeService runtime = certdesk.bean(RuntimeService.class);
                String processId = runtime.createProcessInstanceQuery().processInstanceBusinessKey(reference).singleResult().getId();
                Job job = null;
                for (int i = 0; i < 300 && (job == null || job.getExceptionMessage() == null); i++) {
                    Thread.sleep(100);
                    job = management.createJobQuery().processInstanceId(processId).activityId("Task_SignCertificate").singleResult();
                }
                assertThat(job.getExceptionMessage()).as("the signing job failed").isNotNull();
                // the signing task retries five times a minute apart; the retries are run here at once
                for (int i = 0; i < 10 && job.getRetries() > 0; i++) {
                    try {
                        management.executeJob(job.getId());
                    } catch (RuntimeException stillUnreachable) {
                        // expected
                    }
                    job = management.createJobQuery().jobId(job.getId()).singleResult();
                }
                Incident incident = runtime.createIncidentQuery().processInstanceId(processId).singleResult();
                assertThat(incident).as("an incident for the signing job").isNotNull();
                assertThat(incident.getActivityId()).isEqualTo("Task_SignCertificate");
                assertThat(incident.getIncidentMessage()).startsWith("environment 'qa': the CA key 'qa-ca' on PKCS#11 token 'certdesk-outage' cannot sign");
                assertThat(management.createJobQuery().processInstanceId(processId).singleResult().getRetries()).isZero();
                assertThat(certdesk.bean(JdbcClient.class).sql("select count(*) from issued_certificate where request_reference = ?")
                        .param(reference).query(Long.class).single()).as("nothing issued").isZero();
                assertThat(mailbox.await("outage@acme.test", 1, Duration.ofSeconds(2))).as("no certificate mail").hasSize(1);
            } finally {
                Files.move(away, token);
            }
        }
    }

    private void issueAndCheckWithOpenssl(String tokenLabel, String signatureAlgorithm) throws Exception {
        Openssl.assumeAvailable();
        int smtp = Ports.free();
        int imap = Ports.free();
        int mtls = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        Map<String, Object> properties = properties(tokenLabel, smtp, imap);
        properties.put("certdesk.mtls.ports.qa", mtls);
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            CertificateAuthority ca = certdesk.bean(CertificateAuthorities.class).get("qa");
            assertThat(ca.signer().kind()).isEqualTo("pkcs11");
            String base = "http://127.0.0.1:" + certdesk.port();
            Files.writeString(dir.resolve("ca.pem"), get(base + "/pki/qa/ca.pem"));
            assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(caPemFromToken(tokenLabel));

            Openssl.ok(dir, "openssl ecparam -genkey -name secp384r1 -noout -out client.key");
            Openssl.ok(dir, "openssl req -new -key client.key -out client.csr -subj '/C=NL/O=ACME BV/OU=API Client/CN=acme-hsm'");
            String contact = "hsm-" + tokenLabel + "@acme.test";
            String reference = request(certdesk, mailbox, "acme-hsm", contact, Files.readAllBytes(dir.resolve("client.csr")));
            Approvals.complete(certdesk, "approver", certdesk.awaitApprovalTask(reference).getId(), Map.of(OnboardingProcess.APPROVED, true));
            Mailbox.Received delivery = mailbox.await(contact, 2, Duration.ofSeconds(30)).get(1);
            Files.writeString(dir.resolve("client.pem"), delivery.attachmentText("client-cert.pem"));

            assertThat(Openssl.ok(dir, "openssl verify -CAfile ca.pem client.pem").trim()).isEqualTo("client.pem: OK");
            assertThat(Openssl.ok(dir, "openssl x509 -in client.pem -noout -text")).contains("Signature Algorithm: " + signatureAlgorithm);

            Files.write(dir.resolve("crl.der"), getBytes(base + "/pki/qa/crl"));
            assertThat(Openssl.ok(dir, "openssl crl -inform DER -in crl.der -CAfile ca.pem -noout 2>&1")).contains("verify OK");
            assertThat(Openssl.ok(dir, "openssl verify -crl_check -CAfile ca.pem -CRLfile crl.der client.pem 2>&1 || "
                    + "(openssl crl -inform DER -in crl.der -out crl.pem && openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem client.pem)"))
                    .contains("client.pem: OK");
            assertThat(Openssl.ok(dir, "openssl ocsp -issuer ca.pem -cert client.pem -CAfile ca.pem -url " + base + "/pki/qa/ocsp 2>&1"))
                    .contains("Response verify OK").contains("client.pem: good");

            HttpResponse<String> verdict = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/pki/qa/validate"))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(delivery.attachmentText("client-cert.pem"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(verdict.body()).contains("\"valid\":true").contains("\"issuedByThisCa\":true");

            assertThat(Openssl.ok(dir, "openssl s_client -connect 127.0.0.1:" + mtls + " -servername localhost -CAfile ca.pem "
                    + "-verify_return_error -cert client.pem -key client.key -brief < /dev/null 2>&1"))
                    .as("the listener's server certificate, signed in the token, verifies; the client certificate is accepted")
                    .contains("CONNECTION ESTABLISHED").contains("Verification: OK");

            String health = get(base + "/actuator/health");
            assertThat(health).contains("\"kind\":\"pkcs11\"").contains("\"token\":\"'" + tokenLabel + "'\"").contains("\"keyReachable\":true");
        }
    }

    @Test
    @Order(7)
    void aRolloverOfATokenCaMakesTheNewKeyInTheTokenNeverExtractableAndOpensItByItsLabel() throws Exception {
        Map<String, AuthoritySettings.Ca> cas = Map.of("qa", new AuthoritySettings.Ca(CaKeyType.EC_P384, "CN=Token QA CA,O=certdesk,C=NL",
                null, null, Duration.ofDays(3650), SoftHsm.settings(EC_TOKEN, "qa-ca")));
        CertificateAuthorities authorities = new CertificateAuthorities(new AuthoritySettings(false, dir, "http://localhost",
                Duration.ofDays(365), Duration.ofMinutes(5), cas), Clock.systemUTC());
        CertificateAuthorities.NewGeneration created = authorities.createGeneration("qa", 2);
        assertThat(created.pkcs12()).as("no key leaves the token").isNull();
        assertThat(created.tokenKeyLabel()).isEqualTo("qa-ca-g2");
        assertThat(created.ca().certificate().getSubjectX500Principal().getName()).isEqualTo("C=NL,O=certdesk,CN=Token QA CA G2");
        assertThat(SoftHsm.pkcs11Tool(EC_TOKEN, "--list-objects --type privkey"))
                .contains("label:      qa-ca-g2").contains("never extractable");
        CertificateAuthority reopened = authorities.openGeneration("qa", 2, created.ca().certificate(), null, "qa-ca-g2");
        assertThat(reopened.generation()).isEqualTo(2);
        assertThat(reopened.id()).isEqualTo("qa/2");
        Files.writeString(dir.resolve("g2.pem"), reopened.certificatePem());
        assertThat(Openssl.ok(dir, "openssl verify -CAfile g2.pem g2.pem").trim()).isEqualTo("g2.pem: OK");
        assertThatThrownBy(() -> authorities.openGeneration("qa", 2, authorities.get("qa").certificate(), null, "qa-ca-g2"))
                .hasMessageContaining("does not hold the certificate of CA generation 2");
    }

    private static Map<String, Object> properties(String tokenLabel, int smtp, int imap) {
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("certdesk-hsm-" + System.nanoTime()), smtp, imap);
        properties.put("certdesk.environments.qa.pkcs11.library", SoftHsm.MODULE);
        properties.put("certdesk.environments.qa.pkcs11.token-label", tokenLabel);
        properties.put("certdesk.environments.qa.pkcs11.key-label", "qa-ca");
        properties.put("certdesk.environments.qa.pkcs11.pin", SoftHsm.settings(tokenLabel, "qa-ca").pin());
        properties.put("management.endpoint.health.show-details", "always");
        return properties;
    }

    private static String request(StandaloneCertdesk certdesk, Mailbox mailbox, String organizationId, String contact) throws Exception {
        return request(certdesk, mailbox, organizationId, contact,
                TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId, TestCsrs.p384())).getBytes());
    }

    /** Mails a CSR for qa, approves it, and returns the request's reference. */
    private static String request(StandaloneCertdesk certdesk, Mailbox mailbox, String organizationId, String contact, byte[] csr)
            throws Exception {
        mailbox.send(Mailbox.from(contact).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", csr));
        String subject = mailbox.awaitOne(contact).subject();
        Matcher m = Pattern.compile("CR-\\d{4}-\\d{6}").matcher(subject);
        assertThat(m.find()).as("a reference in " + subject).isTrue();
        String reference = m.group();
        if (contact.startsWith("outage")) {
            Approvals.complete(certdesk, "approver", certdesk.awaitApprovalTask(reference).getId(), Map.of(OnboardingProcess.APPROVED, true));
        }
        return reference;
    }

    private static String caPemFromToken(String tokenLabel) {
        return Pkcs11Authority.open("qa", SoftHsm.settings(tokenLabel, "qa-ca")).certificatePem();
    }

    private Path caPemOf(String tokenLabel) throws Exception {
        Path file = dir.resolve(tokenLabel + ".pem");
        Files.writeString(file, caPemFromToken(tokenLabel));
        return file;
    }

    /** A certificate for a public key whose private key is elsewhere, signed by a throwaway key: a label on a token. */
    private static byte[] placeholderCertificate(byte[] publicKeyDer) throws Exception {
        KeyPair throwaway = TestCsrs.p384();
        X500Name name = new X500Name("CN=small");
        return new X509v3CertificateBuilder(name, BigInteger.TEN, new Date(), new Date(System.currentTimeMillis() + 86_400_000L), name,
                SubjectPublicKeyInfo.getInstance(publicKeyDer))
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(throwaway.getPrivate())).getEncoded();
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static byte[] getBytes(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }
}
