package io.certdesk.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.KeyLocks;
import io.certdesk.issuance.SigningService;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.RequestRepository;
import io.certdesk.support.Polling;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Revocation by an admin, by a client's technical contact and by detection, checked with openssl's CRL and OCSP. */
class RevocationIT extends EmbeddedCertdeskTest {

    @TempDir
    Path dir;
    @LocalServerPort
    int port;
    @Autowired
    CertificateAuthorities authorities;
    @Autowired
    CertificateInventory inventory;
    @Autowired
    RequestRepository requestRepository;
    @Autowired
    SigningService signingService;
    @Autowired
    PlatformTransactionManager transactions;

    private ResponseEntity<Map> adminRevoke(String user, String password, String certificate, String reason) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        String json = "{\"certificate\":\"" + certificate + "\",\"reason\":\"" + reason + "\"}";
        return (user == null ? http : http.withBasicAuth(user, password))
                .postForEntity("/admin/revocations", new HttpEntity<>(json, headers), Map.class);
    }

    private void awaitRevocationEnded(String serial, String endEvent) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (history.createHistoricActivityInstanceQuery().activityId(endEvent).list().stream()
                    .anyMatch(a -> serial.equals(history.createHistoricProcessInstanceQuery().processInstanceId(a.getProcessInstanceId())
                            .singleResult().getBusinessKey()))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("revocation of " + serial + " did not reach " + endEvent);
    }

    private void fetchCrlAndCa(String environment) throws Exception {
        Files.write(dir.resolve("crl.der"), http.getForObject("/pki/" + environment + "/crl", byte[].class));
        Files.writeString(dir.resolve("ca.pem"), http.getForObject("/pki/" + environment + "/ca.pem", String.class));
        Openssl.ok(dir, "openssl crl -inform DER -in crl.der -out crl.pem");
    }

    private String ocsp(String certFile) {
        return Openssl.ok(dir, "openssl ocsp -issuer ca.pem -cert " + certFile + " -CAfile ca.pem -url http://127.0.0.1:" + port + "/pki/qa/ocsp");
    }

    @Test
    void anAdminRevokesForKeyCompromiseAndCrlOcspAndVerifyAllSaySo() throws Exception {
        Issued revoked = onboard("rev-admin", "qa", TestCsrs.ec("secp384r1"));
        Issued good = onboard("rev-good", "qa", TestCsrs.ec("secp384r1"));

        assertThat(adminRevoke(null, null, revoked.serial(), "keyCompromise").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(adminRevoke("approver", "approver", revoked.serial(), "keyCompromise").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(adminRevoke("admin", "admin", "ABCDEF0123", "keyCompromise").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(adminRevoke("admin", "admin", revoked.serial(), "because").getBody().get("error").toString()).contains("keyCompromise");
        ResponseEntity<Map> accepted = adminRevoke("admin", "admin", revoked.serial(), "keyCompromise");
        assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(accepted.getBody()).containsEntry("approvalNeeded", false);
        awaitRevocationEnded(revoked.serial(), RevocationProcess.END_REVOKED);

        Mailbox.Received notice = MAILBOX.await(revoked.contact(), 3, WAIT).get(2);
        assertThat(notice.subject()).contains(revoked.serial()).contains("revoked").contains("keyCompromise");
        assertThat(adminRevoke("admin", "admin", revoked.serial(), "keyCompromise").getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(jdbc.sql("select count(*) from issued_certificate where serial = ? and status = 'REVOKED'")
                .param(revoked.serial()).query(Long.class).single()).isEqualTo(1);

        Openssl.assumeAvailable();
        Files.writeString(dir.resolve("revoked.pem"), revoked.certificatePem());
        Files.writeString(dir.resolve("good.pem"), good.certificatePem());
        fetchCrlAndCa("qa");
        String crlText = Openssl.ok(dir, "openssl crl -inform DER -in crl.der -text -noout");
        // openssl prints a serial with an even number of hex digits
        String listed = revoked.serial().length() % 2 == 0 ? revoked.serial() : "0" + revoked.serial();
        assertThat(crlText).contains("Serial Number: " + listed).contains("Key Compromise")
                .doesNotContain(good.serial()).contains("X509v3 CRL Number").contains("Next Update");
        assertThat(crlText.split("Serial Number: " + listed, -1)).as("one CRL entry").hasSize(2);

        Openssl.Result verifyRevoked = Openssl.run(dir, "openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem revoked.pem");
        assertThat(verifyRevoked.exitCode()).isNotZero();
        assertThat(verifyRevoked.output()).contains("certificate revoked");
        assertThat(Openssl.ok(dir, "openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem good.pem").trim()).isEqualTo("good.pem: OK");

        assertThat(ocsp("revoked.pem")).contains("Response verify OK").contains("revoked.pem: revoked").contains("keyCompromise");
        assertThat(ocsp("good.pem")).contains("Response verify OK").contains("good.pem: good");

        assertThat(ocspOverGet(revoked.certificatePem())).as("RFC 6960 GET").isInstanceOf(RevokedStatus.class);
        assertThat(ocspOverGet(good.certificatePem())).as("RFC 6960 GET: good").isNull();

        HttpHeaders text = new HttpHeaders();
        text.setContentType(MediaType.TEXT_PLAIN);
        Map verdict = http.postForObject("/pki/qa/validate", new HttpEntity<>(revoked.certificatePem(), text), Map.class);
        assertThat(verdict).containsEntry("status", "REVOKED").containsEntry("valid", false);
        assertThat(verdict.get("problems").toString()).contains("keyCompromise");
    }

    /** The status OCSP gives over GET: null for good, else the status object. */
    @Test
    void aKeyCompromiseReportedAfterAnotherReasonIsWhatCrlAndOcspSayFromThenOn() throws Exception {
        Openssl.assumeAvailable();
        Issued retired = onboard("rev-relabel", "qa", TestCsrs.ec("secp384r1"));
        Files.writeString(dir.resolve("retired.pem"), retired.certificatePem());
        assertThat(adminRevoke("admin", "admin", retired.serial(), "superseded").getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        decide("approver", awaitTask(retired.serial(), RevocationProcess.APPROVE_REVOCATION).getId(), Map.of("approved", true));
        awaitRevocationEnded(retired.serial(), RevocationProcess.END_REVOKED);
        assertThat(crlReasonOf(retired.serial())).isEqualTo("Superseded");

        // the key turns out to have been stolen: relying parties must see that, not the routine reason
        assertThat(adminRevoke("admin", "admin", retired.serial(), "keyCompromise").getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!"Key Compromise".equals(crlReasonOf(retired.serial())) && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
        assertThat(crlReasonOf(retired.serial())).as("the CRL's reason").isEqualTo("Key Compromise");
        assertThat(ocsp("retired.pem")).contains("Reason: keyCompromise");
    }

    /** The reason the qa CRL gives for a serial, as openssl prints it ("Key Compromise", "Superseded"), or null. */
    private String crlReasonOf(String serial) throws Exception {
        fetchCrlAndCa("qa");
        String text = Openssl.ok(dir, "openssl crl -inform DER -in crl.der -text -noout");
        String listed = serial.length() % 2 == 0 ? serial : "0" + serial;
        int entry = text.indexOf("Serial Number: " + listed);
        if (entry < 0) {
            return null;
        }
        int next = text.indexOf("Serial Number: ", entry + 1);
        Matcher reason = Pattern.compile("CRL Reason Code:\\s*\\n\\s*(.+)").matcher(text.substring(entry, next < 0 ? text.length() : next));
        return reason.find() ? reason.group(1).trim() : null;
    }

    private Object ocspOverGet(String certificatePem) throws Exception {
        var factory = CertificateFactory.getInstance("X.509");
        var certificate = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(certificatePem.getBytes()));
        var ca = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(http.getForObject("/pki/qa/ca.pem", String.class).getBytes()));
        var id = new CertificateID(
                new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(ca), certificate.getSerialNumber());
        byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        String encoded = URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.US_ASCII);
        byte[] answer = http.getRestTemplate().getForObject(URI.create(http.getRootUri() + "/pki/qa/ocsp/" + encoded), byte[].class);
        var response = new OCSPResp(answer);
        assertThat(response.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        var basic = (BasicOCSPResp) response.getResponseObject();
        var responder = basic.getCerts()[0];
        assertThat(responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.getPublicKey())))
                .as("the responder certificate is the CA's").isTrue();
        assertThat(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))).isTrue();
        return basic.getResponses()[0].getCertStatus();
    }

    @Test
    void theRegisteredTechnicalContactAsksByMailAndAnApproverDecides() throws Exception {
        Issued issued = onboard("rev-contact", "qa", TestCsrs.ec("secp384r1"));
        MAILBOX.send(Mailbox.from(issued.contact()).subject("Please revoke").body("Revoke: " + issued.reference() + "\nReason: cessationOfOperation\n"));
        Task approval = null;
        for (int i = 0; i < 300 && approval == null; i++) {
            approval = tasks.createTaskQuery().processInstanceBusinessKey(issued.serial())
                    .taskDefinitionKey(RevocationProcess.APPROVE_REVOCATION).singleResult();
            Thread.sleep(100);
        }
        assertThat(approval).as("revocation waits for an approver").isNotNull();
        assertThat(approval.getName()).contains(issued.serial()).contains("rev-contact").contains("cessationOfOperation");
        assertThat(runtime.getVariable(approval.getProcessInstanceId(), RevocationProcess.MAIL_AUTHENTICATED))
                .as("the approver sees that the contact's mail was not DKIM-signed").isEqualTo(false);
        assertThat(runtime.getVariable(approval.getProcessInstanceId(), RevocationProcess.MAIL_AUTHENTICITY).toString()).contains("no DKIM");
        decide("approver", approval.getId(), Map.of(RevocationProcess.APPROVED, true));
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        Mailbox.Received notice = MAILBOX.await(issued.contact(), 3, WAIT).get(2);
        assertThat(notice.text()).contains("cessationOfOperation").contains(issued.serial());
    }

    @Test
    void aContactsUnsignedRevocationMailIsRefusedWhenTheOrganizationRequiresDkim() throws Exception {
        Issued issued = onboard("rev-dkim", "qa", TestCsrs.ec("secp384r1"));
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.withBasicAuth("admin", "admin").exchange("/admin/organizations/rev-dkim/mail-policy", HttpMethod.PUT,
                new HttpEntity<>("{\"requireDkim\": true}", json), String.class).getStatusCode().value()).isEqualTo(200);

        // anyone can write the contact's address in a From: without the organization's DKIM signature it asks for nothing
        MAILBOX.send(Mailbox.from(issued.contact()).subject("revoke").body("Revoke: " + issued.serial() + "\nReason: keyCompromise\n"));
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REFUSED);
        Mailbox.Received refusal = MAILBOX.await(issued.contact(), 3, WAIT).get(2);
        assertThat(refusal.subject()).contains("not carried out");
        assertThat(refusal.text()).contains("rev-dkim requires its mail to certdesk to be DKIM-signed");
        assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("ACTIVE");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(issued.serial()).count()).as("no approval task").isZero();
    }

    @Test
    void aRefusalRepeatsNoRevokeLineThatIsNoSerialOrReference() throws Exception {
        // the refusal goes to the mail's From, which anyone can set to a victim's address: it must not carry the
        // sender's words
        String victim = address("victim");
        MAILBOX.send(Mailbox.from(victim).subject("revoke")
                .body("Revoke: your-account-is-locked-log-in-at-http://evil.example/now\nReason: keyCompromise\n"));
        Mailbox.Received refusal = MAILBOX.awaitOne(victim);
        assertThat(refusal.subject()).contains("not carried out");
        assertThat(refusal.text()).contains("serial or request reference given in the mail").doesNotContain("evil.example");
    }

    @Test
    void aStrangerCannotRevokeSomeoneElsesCertificateNorLearnWhoseItIsOrWhetherItIsValid() throws Exception {
        Issued issued = onboard("rev-stranger", "qa", TestCsrs.ec("secp384r1"));
        String reference = jdbc.sql("select request_reference from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single();
        String stranger = address("mallory");
        MAILBOX.send(Mailbox.from(stranger).subject("revoke").body("Revoke: " + reference + "\nReason: keyCompromise\n"));
        Mailbox.Received refusal = MAILBOX.awaitOne(stranger);
        assertThat(refusal.subject()).contains("not carried out");
        assertThat(refusal.text()).contains("Only a registered technical contact of a certificate's organization can ask to revoke it")
                .as("whose certificate the reference is, and its serial, stay unsaid").doesNotContain("rev-stranger")
                .doesNotContain(issued.serial());
        assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("ACTIVE");

        // once revoked, a stranger asking again learns nothing more: the same answer as for a reference that does not exist
        assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        MAILBOX.send(Mailbox.from(stranger).subject("revoke").body("Revoke: " + reference + "\nReason: keyCompromise\n"));
        MAILBOX.send(Mailbox.from(stranger).subject("revoke").body("Revoke: CR-2026-999999\nReason: keyCompromise\n"));
        List<Mailbox.Received> answers = MAILBOX.await(stranger, 3, WAIT);
        assertThat(answers.subList(1, 3)).allSatisfy(answer -> assertThat(answer.text())
                .contains("Only a registered technical contact of a certificate's organization can ask to revoke it")
                .doesNotContain("already").doesNotContain("rev-stranger").doesNotContain(issued.serial()));
    }

    @Test
    void aRevocationMovedPastItsApprovalInsideTheEngineRevokesNothing() throws Exception {
        Issued issued = onboard("rev-skip", "qa", TestCsrs.ec("secp384r1"));
        assertThat(adminRevoke("admin", "admin", issued.serial(), "superseded").getStatusCode().value()).isEqualTo(202);
        Task approval = awaitTask(issued.serial(), "UserTask_ApproveRevocation");
        // what a process modification does (closed at the API's edge; here from inside the engine)
        engine.getRuntimeService().createProcessInstanceModification(approval.getProcessInstanceId())
                .startBeforeActivity("Task_RevokeCertificate").cancelAllForActivity("UserTask_ApproveRevocation").execute(true, false);
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (engine.getManagementService().createJobQuery().processInstanceId(approval.getProcessInstanceId()).withException().count() == 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(engine.getManagementService().createJobQuery().processInstanceId(approval.getProcessInstanceId())
                .withException().singleResult().getExceptionMessage()).contains("needs an approver's decision");
        assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(issued.serial()).query(String.class).single())
                .isEqualTo("ACTIVE");
    }

    @Test
    void aKeyRevokedForKeyCompromiseIsNeverCertifiedAgainByMail() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-reuse", "qa", keys);
        assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);

        // whoever holds the key now sends the same CSR again
        String holder = address("holder");
        MAILBOX.send(Mailbox.from(holder).body("Organization ID: rev-reuse\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=rev-reuse", keys)).getBytes()));
        Mailbox.Received refusal = MAILBOX.awaitOne(holder);
        assertThat(refusal.subject()).contains("refused");
        assertThat(refusal.text()).contains("KEY_COMPROMISED").contains("never certifies that key again");
        assertThat(jdbc.sql("select count(*) from issued_certificate where public_key_sha256 = (select public_key_sha256 "
                + "from issued_certificate where serial = ?)").param(issued.serial()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anRsaKeyRevokedForKeyCompromiseIsNotCertifiedAgainWithAnotherExponent() throws Exception {
        KeyPair keys = TestCsrs.rsa(2048);
        Issued issued = onboard("rev-exponent", "qa", keys);
        assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);

        // whoever holds the private key knows the modulus' factors, and makes a "new" key with the exponent 65539
        KeyPair sameModulus = TestCsrs.rsaWithExponent(keys, 65539);
        String holder = address("exponent-holder");
        MAILBOX.send(Mailbox.from(holder).body("Organization ID: rev-exponent\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=rev-exponent", sameModulus)).getBytes()));
        Mailbox.Received refusal = MAILBOX.awaitOne(holder);
        assertThat(refusal.subject()).contains("refused");
        assertThat(refusal.text()).contains("KEY_EXPONENT_NOT_ALLOWED").contains("KEY_COMPROMISED").contains("never certifies that key again");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(referenceIn(refusal.subject())).count()).isZero();
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'rev-exponent'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aKeyCompromiseRevokesACertificateIssuedEarlierForTheSameModulusWithAnotherExponent() throws Exception {
        // a certificate from before certdesk signed only e=65537: the key's modulus with the exponent 65539
        KeyPair keys = TestCsrs.rsa(2048);
        KeyPair sameModulus = TestCsrs.rsaWithExponent(keys, 65539);
        CertificateAuthority ca = authorities.get("qa");
        CertificateSubject subject = CertificateSubject.of(new X500Name("C=NL,O=ACME BV,OU=API Client,CN=rev-old-exponent"));
        BigInteger serial = SerialNumbers.next();
        X509Certificate older = new ClientCertificateIssuer().issue(ca, authorities.profile(ca), subject,
                SubjectPublicKeyInfo.getInstance(sameModulus.getPublic().getEncoded()), serial, clock.instant());
        inventory.record(new IssuedCertificate(SerialNumbers.hex(serial), "qa", "CR-2025-000042", "rev-old-exponent", subject.text(),
                Fingerprints.sha256Hex(sameModulus.getPublic().getEncoded()), older.getNotBefore().toInstant(),
                older.getNotAfter().toInstant(), IssuedCertificate.Status.ACTIVE, Pem.encode(older), clock.instant(), null, null),
                ca.generation());

        // the same modulus with 65537 is certified now, and its key is compromised
        Issued issued = onboard("rev-new-exponent", "qa", keys);
        assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        awaitRevocationEnded(SerialNumbers.hex(serial), RevocationProcess.END_REVOKED);

        Openssl.assumeAvailable();
        Files.writeString(dir.resolve("older.pem"), Pem.encode(older));
        Files.writeString(dir.resolve("ca.pem"), http.getForObject("/pki/qa/ca.pem", String.class));
        assertThat(ocsp("older.pem")).contains("Response verify OK").contains("older.pem: revoked").contains("keyCompromise");
    }

    /**
     * The other side of the race in {@code ClusterIT}: a request for the key is being signed (its transaction open)
     * when an administrator revokes the key's certificate for keyCompromise. The revocation waits for the signing and
     * then finds and revokes what it signed.
     */
    @Test
    void aSigningOfTheKeyUnderWayWhenItIsRevokedForKeyCompromiseIsWaitedForAndWhatItSignedIsRevoked() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-race-first", "qa", keys);
        PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=rev-race-second", keys);
        CertificateRequest request = requestRepository.insert(clock.instant(), "<" + UUID.randomUUID() + "@race.test>", "race",
                address("race-holder"), "Holder", "rev-race-second", "ACME BV", "qa", null, null, TestCsrs.pem(csr),
                List.of(), List.of(), List.of());
        requestRepository.recordValidation(request.id(), "rev-race-second", "ACME BV", "qa", CertificateSubject.of(csr.getSubject()).text(),
                "EC P-384", Fingerprints.sha256Hex(csr.getSubjectPublicKeyInfo().getEncoded()), List.of(),
                CertificateRequest.Status.AWAITING_APPROVAL);
        assertThat(requestRepository.recordDecision(request.id(), CertificateRequest.Status.APPROVED, "approver", null, clock.instant())).isTrue();

        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch signed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<IssuedCertificate> signing = threads.submit(() -> new TransactionTemplate(transactions).execute(status -> {
                IssuedCertificate certificate = signingService.sign(request.id());
                signed.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return certificate;
            }));
            assertThat(signed.await(30, TimeUnit.SECONDS)).as("signed, not committed yet").isTrue();
            assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
            // until the revocation has run, or waits for the key
            Polling.until(WAIT, Duration.ofMillis(50), () -> "REVOKED".equals(status(issued.serial())) || aThreadWaitsForAKeyLock(),
                    () -> new AssertionError("the revocation of " + issued.serial() + " neither ran nor waited for the key"));
            release.countDown();
            String second = signing.get(30, TimeUnit.SECONDS).serial();

            awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
            awaitRevocationEnded(second, RevocationProcess.END_REVOKED);
            assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(second).query(String.class).single())
                    .isEqualTo("keyCompromise");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    private String status(String serial) {
        return jdbc.sql("select status from issued_certificate where serial = ?").param(serial).query(String.class).single();
    }

    private static boolean aThreadWaitsForAKeyLock() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(thread -> thread.getKey().getState() != Thread.State.RUNNABLE
                && Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName().equals(KeyLocks.class.getName())));
    }

    @Test
    void anRsaKeyRevokedForKeyCompromiseIsNotCertifiedAgainWrittenWithAnotherAsn1Length() throws Exception {
        KeyPair keys = TestCsrs.rsa(2048);
        Issued issued = onboard("rev-padded", "qa", keys);
        assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);

        // the same key, its length written with a leading zero byte: every parser reads the same modulus
        String holder = address("padded-holder");
        MAILBOX.send(Mailbox.from(holder).body("Organization ID: rev-padded\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csrWithPaddedRsaKeyLength("C=NL,O=ACME BV,OU=API Client,CN=rev-padded", keys))
                        .getBytes()));
        Mailbox.Received refusal = MAILBOX.awaitOne(holder);
        assertThat(refusal.subject()).contains("refused");
        assertThat(refusal.text()).contains("KEY_COMPROMISED").contains("KEY_ENCODING_INVALID");
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'rev-padded'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aKeyCompromiseRevokesEveryOtherCertificateWithThatKeyInEveryEnvironment() throws Exception {
        // one key, certified twice: in qa, and (the same key, as a client may well keep it) in production
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued qa = onboard("rev-same-qa", "qa", keys);
        Issued production = onboard("rev-same-prod", "production", keys);

        assertThat(adminRevoke("admin", "admin", qa.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(qa.serial(), RevocationProcess.END_REVOKED);
        awaitRevocationEnded(production.serial(), RevocationProcess.END_REVOKED);

        assertThat(MAILBOX.await(production.contact(), 3, WAIT).get(2).subject()).contains(production.serial())
                .contains("revoked").contains("keyCompromise");
        Openssl.assumeAvailable();
        Files.writeString(dir.resolve("production.pem"), production.certificatePem());
        Files.writeString(dir.resolve("production-ca.pem"), http.getForObject("/pki/production/ca.pem", String.class));
        assertThat(Openssl.ok(dir, "openssl ocsp -issuer production-ca.pem -cert production.pem -CAfile production-ca.pem -url http://127.0.0.1:"
                + port + "/pki/production/ocsp")).contains("Response verify OK").contains("production.pem: revoked").contains("keyCompromise");
    }

    @Test
    void aKeyWhosePrivateKeyWasMailedIsNeverCertifiedThoughItHadNoCertificateYet() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        byte[] csr = TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=rev-exposed-first", keys)).getBytes();
        String careless = address("exposed-first");
        String fields = "Organization ID: rev-exposed-first\nCompany: ACME BV\nEnvironment: qa\n";
        MAILBOX.send(Mailbox.from(careless).body(fields).attach("client.csr", csr)
                .attach("client-key.pem", TestCsrs.privateKeyPem(keys).getBytes()));
        assertThat(MAILBOX.awaitOne(careless).subject()).contains("SECURITY");

        // the same CSR again, the key left out this time: the key has been in a mailbox, it is not certified
        MAILBOX.send(Mailbox.from(careless).body(fields).attach("client.csr", csr));
        Mailbox.Received refusal = MAILBOX.await(careless, 2, WAIT).get(1);
        assertThat(refusal.subject()).contains("refused");
        assertThat(refusal.text()).contains("KEY_COMPROMISED").contains("sent to certdesk by mail").contains("openssl ecparam -genkey");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(referenceIn(refusal.subject())).count()).isZero();
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'rev-exposed-first'").query(Long.class).single())
                .isZero();
    }

    @Test
    void aRequestWaitingForItsApproverWhenItsKeyIsRevokedForKeyCompromiseIsNotApproved() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-pending", "qa", keys);
        // the same key asks again, and waits for an approver
        String holder = address("pending-holder");
        MAILBOX.send(Mailbox.from(holder).body("Organization ID: rev-pending\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=rev-pending", keys)).getBytes()));
        Task waiting = awaitTask(referenceIn(MAILBOX.awaitOne(holder).subject()), "UserTask_ApproveRequest");
        assertThat(adminRevoke("admin", "admin", issued.serial(), "keyCompromise").getStatusCode().value()).isEqualTo(202);
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);

        assertThatThrownBy(() -> decide("approver", waiting.getId(), Map.of("approved", true)))
                .hasStackTraceContaining("cannot be approved").hasStackTraceContaining("keyCompromise");
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'rev-pending'").query(Long.class).single())
                .as("nothing signed for the compromised key").isEqualTo(1);
        assertThat(tasks.createTaskQuery().taskId(waiting.getId()).count()).as("the approver rejects it instead").isEqualTo(1);
    }

    @Test
    void aPrivateKeyInAMailRevokesTheCertificatesItUnlocksAndTellsTheContacts() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-leak", "qa", keys);
        String careless = address("careless");
        MAILBOX.send(Mailbox.from(careless).subject("my key, for safekeeping").body("Here is our key:\n" + TestCsrs.privateKeyPem(keys)));
        assertThat(MAILBOX.awaitOne(careless).subject()).contains("SECURITY");
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        List<Mailbox.Received> mails = MAILBOX.await(issued.contact(), 3, WAIT);
        assertThat(mails.get(2).subject()).contains("revoked").contains("keyCompromise");
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("keyCompromise");
    }

    @Test
    void aPrivateKeyInAnAutoReplyRevokesTheCertificateItUnlocksThoughTheMailIsNeverAnswered() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-auto", "qa", keys);
        String away = address("away");
        MAILBOX.sendRaw("Auto-Submitted: auto-replied\r\nFrom: " + away + "\r\nTo: support@certdesk.local\r\nSubject: Out of office\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@away.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
                + "I am away. For the record:\r\n" + TestCsrs.privateKeyPem(keys).replace("\n", "\r\n"));
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("keyCompromise");
        assertThat(MAILBOX.read(away, "INBOX")).as("an auto-reply is never answered").isEmpty();
    }

    @Test
    void aPrivateKeyMailedWithExplicitCurveParametersRevokesTheCertificateItUnlocks() throws Exception {
        Openssl.assumeAvailable();
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-explicit", "qa", keys);
        Files.writeString(dir.resolve("client-key.pem"), TestCsrs.privateKeyPem(keys));
        Openssl.ok(dir, "openssl ec -in client-key.pem -param_enc explicit -out explicit.pem 2>/dev/null");
        String careless = address("careless-explicit");
        MAILBOX.send(Mailbox.from(careless).subject("our key").body("Attached.")
                .attach("explicit.pem", Files.readAllBytes(dir.resolve("explicit.pem"))));
        assertThat(MAILBOX.awaitOne(careless).subject()).contains("SECURITY");
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("keyCompromise");
    }

    @Test
    void aPrivateKeyMailedInDerUnderAnyNameRevokesTheCertificateItUnlocks() throws Exception {
        Openssl.assumeAvailable();
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboard("rev-leak-der", "qa", keys);
        Files.writeString(dir.resolve("client-key.pem"), TestCsrs.privateKeyPem(keys));
        Openssl.ok(dir, "openssl ec -in client-key.pem -outform DER -out backup.bin 2>/dev/null");
        String careless = address("careless-der");
        MAILBOX.send(Mailbox.from(careless).subject("our backup").body("Attached.")
                .attach("backup.bin", Files.readAllBytes(dir.resolve("backup.bin"))));
        Mailbox.Received reply = MAILBOX.awaitOne(careless);
        assertThat(reply.subject()).contains("SECURITY");
        assertThat(reply.text()).contains("backup.bin").contains("DER private key");
        awaitRevocationEnded(issued.serial(), RevocationProcess.END_REVOKED);
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(issued.serial())
                .query(String.class).single()).isEqualTo("keyCompromise");
    }
}
