package io.certdesk.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.revocation.RevocationProcess;
import io.certdesk.support.EmbeddedCertdeskTest;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.Polling;
import io.certdesk.support.StrongswanPki;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * EST re-enrollment against a running certdesk, with real clients as the oracle: strongSwan's {@code pki --est}
 * and curl on the client's side, openssl to check what they got. A certificate "inside the renewal window" was
 * signed with certdesk's clock set 350 days back (validity 365 days, window 30 days); the engine's clock, and with it
 * every other test's timers, stays where it is.
 */
class EstIT extends EmbeddedCertdeskTest {

    private static final String SUBJECT = "/C=NL/O=ACME BV/OU=API Client/CN=";

    @TempDir
    Path client;

    @BeforeEach
    void needsClients() throws Exception {
        Openssl.assumeAvailable();
        StrongswanPki.assumeAvailable();
        Files.writeString(client.resolve("ca.pem"), http.getForObject("/pki/qa/ca.pem", String.class));
    }

    /** A qa certificate issued through the mail path {@code ago} before now, saved as old.pem and old.key. */
    private Issued issuedAgo(String organizationId, Duration ago) throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued issued = onboardSignedAgo(organizationId, "qa", keys, ago);
        Files.writeString(client.resolve("old.key"), TestCsrs.privateKeyPem(keys));
        Files.writeString(client.resolve("old.pem"), issued.certificatePem());
        return issued;
    }

    /** A new key (new.key) and a CSR from it (new.csr, and new.b64 as EST sends it) with this subject. */
    private void newCsr(String subject) {
        Openssl.ok(client, "openssl ecparam -genkey -name secp384r1 -noout -out new.key");
        Openssl.ok(client, "openssl req -new -key new.key -out new.csr -subj '" + subject + "'");
        Openssl.ok(client, "openssl req -in new.csr -outform DER | base64 > new.b64");
    }

    private String url(String operation) {
        return "https://127.0.0.1:" + EST_PORT + "/.well-known/est/qa/" + operation;
    }

    private String pkiEst(String in) {
        return "pki --est --url https://127.0.0.1:" + EST_PORT + " --cacert ca.pem --cert old.pem --key old.key"
                + " --in " + in + " --outform pem --maxpolltime 5 --interval 1";
    }

    record Answer(int status, String headers, String body) {
    }

    /** POSTs {@code bodyFile} with curl as the client of old.pem/old.key (or none); saves the body as answer.out. */
    private Answer curl(String operation, String bodyFile, boolean withCertificate) throws Exception {
        String out = Openssl.ok(client, "curl -s --cacert ca.pem " + (withCertificate ? "--cert old.pem --key old.key " : "")
                + "-H 'Content-Type: application/pkcs10' --data-binary @" + bodyFile + " -D headers.txt -o answer.out -w '%{http_code}' "
                + url(operation));
        return new Answer(Integer.parseInt(out.trim()), Files.readString(client.resolve("headers.txt")),
                Files.readString(client.resolve("answer.out")));
    }

    /** The certificate in answer.out (base64 certs-only PKCS#7), as PEM in {@code file}. */
    private String certificateFromAnswer(String file) {
        Openssl.ok(client, "base64 -d answer.out > answer.p7 && openssl pkcs7 -inform DER -in answer.p7 -print_certs -out " + file);
        return Openssl.ok(client, "openssl x509 -in " + file + " -noout -serial -subject -nameopt RFC2253");
    }

    private String status(String serial) {
        return jdbc.sql("select status from issued_certificate where serial = ?").param(serial).query(String.class).single();
    }

    private String serialOf(String file) {
        // as certdesk writes serials: upper-case hex without the zero openssl pads to whole bytes
        return new BigInteger(Openssl.ok(client, "openssl x509 -in " + file + " -noout -serial").trim()
                .substring("serial=".length()), 16).toString(16).toUpperCase();
    }

    private List<String> activitiesOf(String reference) {
        String id = history.createHistoricProcessInstanceQuery().processDefinitionKey(EstProcess.KEY).processInstanceBusinessKey(reference)
                .singleResult().getId();
        return history.createHistoricActivityInstanceQuery().processInstanceId(id).orderByHistoricActivityInstanceStartTime().asc()
                .list().stream().map(HistoricActivityInstance::getActivityId).toList();
    }

    private String referenceOf(String serial) {
        return jdbc.sql("select request_reference from issued_certificate where serial = ?").param(serial).query(String.class).single();
    }

    @Test
    void strongswanPkiReenrollsInsideTheWindowWithoutAnApproverAndTheOldCertificateIsSuperseded() throws Exception {
        Issued old = issuedAgo("est-pki", Duration.ofDays(350));
        assertThat(Openssl.ok(client, "pki --estca --url https://127.0.0.1:" + EST_PORT + " --cacert ca.pem"
                + " --caout cacerts.pem --outform pem --force 2>&1")).as("cacerts").contains("Root CA equals trusted TLS Root CA");
        assertThat(Files.readString(client.resolve("cacerts.pem")).trim()).isEqualTo(Files.readString(client.resolve("ca.pem")).trim());
        newCsr(SUBJECT + "est-pki");
        Openssl.ok(client, pkiEst("new.csr") + " > new.pem");

        assertThat(Openssl.ok(client, "openssl verify -CAfile ca.pem new.pem")).contains("new.pem: OK");
        assertThat(Openssl.ok(client, "openssl x509 -in new.pem -noout -subject -nameopt RFC2253"))
                .contains("CN=est-pki,OU=API Client,O=ACME BV,C=NL");
        assertThat(Openssl.ok(client, "openssl x509 -in new.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256"))
                .as("the new key").isEqualTo(Openssl.ok(client, "openssl ec -in new.key -pubout -outform DER 2>/dev/null | openssl dgst -sha256"));
        String serial = serialOf("new.pem");
        assertThat(status(old.serial())).isEqualTo("SUPERSEDED");
        assertThat(jdbc.sql("select superseded_by from issued_certificate where serial = ?").param(old.serial()).query(String.class).single())
                .isEqualTo(serial);
        assertThat(jdbc.sql("select count(*) from expiry_reminder where serial = ?").param(old.serial()).query(Long.class).single())
                .as("the old certificate's reminders stop").isZero();

        String reference = referenceOf(serial);
        assertThat(activitiesOf(reference)).contains(EstProcess.APPROVE_AUTOMATICALLY, EstProcess.SIGN_CERTIFICATE)
                .doesNotContain(EstProcess.APPROVE_REQUEST);
        assertThat(history.createHistoricVariableInstanceQuery().processInstanceId(history.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(reference).singleResult().getId()).variableName(EstProcess.APPROVAL_PATH).singleResult().getValue())
                .isEqualTo("automatic EST re-enrollment by certificate " + old.serial());
        assertThat(jdbc.sql("select decided_by from certificate_request where reference = ?").param(reference).query(String.class).single())
                .isEqualTo("automatic EST re-enrollment by certificate " + old.serial());

        Mailbox.Received notice = awaitMail(old.contact(), "issued over EST");
        assertThat(notice.text()).contains(serial).contains("automatic EST re-enrollment by certificate " + old.serial())
                .contains("It replaces certificate " + old.serial());
        assertThat(notice.attachments()).isEmpty();
    }

    @Test
    void theReminderMailOffersEstCommandsThatWorkAsWrittenWithTheClientsFileNames() throws Exception {
        Issued old = issuedAgo("est-reminder", Duration.ofDays(350));
        Files.copy(client.resolve("old.pem"), client.resolve("client-cert.pem"));
        Files.copy(client.resolve("old.key"), client.resolve("client-key.pem"));
        Files.copy(client.resolve("ca.pem"), client.resolve("ca-cert.pem"));
        runLifecycleSweepNow();
        Mailbox.Received reminder = awaitMail(old.contact(), "expires in");
        String text = reminder.text();
        assertThat(text).contains("pki --est --url https://localhost:" + EST_PORT + " --cacert ca-cert.pem --cert client-cert.pem"
                + " --key client-key.pem").contains("/.well-known/est/qa/simplereenroll").contains("Mail client.csr to");
        List<String> commands = text.substring(text.indexOf("over EST")).lines().filter(line -> line.startsWith("       "))
                .map(String::trim).toList();
        assertThat(commands).hasSize(5);
        for (String command : commands.subList(0, 3)) {
            Openssl.ok(client, command);
        }
        assertThat(Openssl.ok(client, "openssl verify -CAfile ca-cert.pem client-cert-new.pem")).contains("client-cert-new.pem: OK");
        String byPki = Files.readString(client.resolve("client-cert-new.pem"));
        for (String command : commands.subList(3, 5)) {
            Openssl.ok(client, command);
        }
        assertThat(Openssl.ok(client, "openssl x509 -in client-cert-new.pem -noout -serial"))
                .as("curl asked with the same CSR: the same certificate").isEqualTo(Openssl.ok(client,
                        "echo '" + byPki + "' | openssl x509 -noout -serial"));
        assertThat(status(old.serial())).isEqualTo("SUPERSEDED");
    }

    /** Lets the lifecycle sweep run now instead of at its next minute. */
    private void runLifecycleSweepNow() throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                Job timer = engine.getManagementService().createJobQuery()
                        .processDefinitionKey("certificateLifecycleSweep").timers().singleResult();
                engine.getManagementService().setJobDuedate(timer.getId(), Date.from(Instant.now().minusSeconds(1)));
                return;
            } catch (OptimisticLockingException firedMeanwhile) {
                if (attempt > 20) {
                    throw firedMeanwhile;
                }
                Thread.sleep(50);
            }
        }
    }

    private Mailbox.Received awaitMail(String address, String subjectPart) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT.toMillis() * 3;
        while (System.currentTimeMillis() < deadline) {
            for (Mailbox.Received mail : MAILBOX.read(address, "INBOX")) {
                if (mail.subject().contains(subjectPart)) {
                    return mail;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no mail \"" + subjectPart + "\" for " + address);
    }

    @Test
    void curlReenrollsAndTheSameCsrAgainGetsTheSameCertificateNeverASecond() throws Exception {
        Issued old = issuedAgo("est-curl", Duration.ofDays(350));
        newCsr(SUBJECT + "est-curl");
        Answer first = curl("simplereenroll", "new.b64", true);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers()).containsIgnoringCase("Content-Type: application/pkcs7-mime; smime-type=certs-only")
                .containsIgnoringCase("Content-Transfer-Encoding: base64");
        String issued = certificateFromAnswer("first.pem");
        assertThat(Openssl.ok(client, "openssl verify -CAfile ca.pem first.pem")).contains("first.pem: OK");

        Answer again = curl("simplereenroll", "new.b64", true);
        assertThat(again.status()).isEqualTo(200);
        assertThat(certificateFromAnswer("again.pem")).isEqualTo(issued);
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-curl'").query(Long.class).single())
                .isEqualTo(2);
        assertThat(status(old.serial())).isEqualTo("SUPERSEDED");

        newCsr(SUBJECT + "est-curl");
        Answer another = curl("simplereenroll", "new.b64", true);
        assertThat(another.status()).as("a superseded certificate renews no more").isEqualTo(403);
        assertThat(another.body()).contains("CERTIFICATE_SUPERSEDED").contains(serialOf("first.pem"));
    }

    @Test
    void aCertificateThatKeepsSendingRefusedCsrsIsStoppedAfterItsDailyQuota() throws Exception {
        Issued old = issuedAgo("est-quota", Duration.ofDays(350));
        // an RSA 1024 key each time: each CSR is new, passes the EST checks, is kept and refused by the policy
        for (int i = 1; i <= 10; i++) {
            Openssl.ok(client, "openssl req -new -newkey rsa:1024 -nodes -keyout weak" + i + ".key -subj '" + SUBJECT + "est-quota' "
                    + "-outform DER 2>/dev/null | base64 > weak" + i + ".b64");
            Answer refused = curl("simplereenroll", "weak" + i + ".b64", true);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("KEY_TOO_SMALL");
        }
        Openssl.ok(client, "openssl req -new -newkey rsa:1024 -nodes -keyout weak11.key -subj '" + SUBJECT + "est-quota' "
                + "-outform DER 2>/dev/null | base64 > weak11.b64");
        Answer stopped = curl("simplereenroll", "weak11.b64", true);
        assertThat(stopped.status()).as(stopped.body()).isEqualTo(429);
        assertThat(stopped.body()).contains("TOO_MANY_REQUESTS").contains(old.serial()).contains("10 new requests in the last 24 hours");
        long retryAfter = Long.parseLong(stopped.headers().lines().filter(h -> h.toLowerCase().startsWith("retry-after:"))
                .findFirst().orElseThrow().substring("retry-after:".length()).trim());
        assertThat(retryAfter).as("until the first of the ten is a day old").isBetween(Duration.ofHours(23).toSeconds(), Duration.ofDays(1).toSeconds());
        assertThat(jdbc.sql("select count(*) from certificate_request where est_client_serial = ?").param(old.serial())
                .query(Long.class).single()).as("nothing kept of the eleventh").isEqualTo(10);

        Answer again = curl("simplereenroll", "weak1.b64", true);
        assertThat(again.status()).as("a CSR already sent still fetches its answer").isEqualTo(400);
        assertThat(again.body()).contains("KEY_TOO_SMALL");
    }

    @Test
    void keyReuseIsRefusedWithTheReason() throws Exception {
        issuedAgo("est-samekey", Duration.ofDays(350));
        Openssl.ok(client, "openssl req -new -key old.key -out same.csr -subj '" + SUBJECT + "est-samekey' && "
                + "openssl req -in same.csr -outform DER | base64 > same.b64");
        Answer answer = curl("simplereenroll", "same.b64", true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("KEY_REUSED").contains("needs a new key");
        Openssl.Result pki = Openssl.run(client, pkiEst("same.csr"));
        assertThat(pki.exitCode()).isNotZero();
        assertThat(pki.output()).contains("400");
    }

    @Test
    void theOldKeyInAnotherEncodingIsStillKeyReuse() throws Exception {
        issuedAgo("est-compressed", Duration.ofDays(350));
        // the same EC key with its point compressed: another SubjectPublicKeyInfo, the same key
        Openssl.ok(client, "openssl ec -in old.key -conv_form compressed -out oldc.key 2>/dev/null && "
                + "openssl req -new -key oldc.key -out same.csr -subj '" + SUBJECT + "est-compressed' && "
                + "openssl req -in same.csr -outform DER | base64 > same.b64");
        Answer answer = curl("simplereenroll", "same.b64", true);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("KEY_REUSED");
    }

    @Test
    void aCertificateAnAdministratorBlockedRenewsNothing() throws Exception {
        issuedAgo("est-blocked", Duration.ofDays(350));
        String fingerprint = Openssl.ok(client, "openssl x509 -in old.pem -noout -fingerprint -sha256").trim().replaceAll(".*=", "");
        var blocked = http.withBasicAuth("admin", "admin").postForEntity("/admin/partner-blocks", new HttpEntity<>(
                "{\"fingerprint\":\"" + fingerprint + "\",\"reason\":\"key leaked\"}", jsonHeaders()), String.class);
        assertThat(blocked.getStatusCode().is2xxSuccessful()).as(blocked.getBody()).isTrue();
        newCsr(SUBJECT + "est-blocked");
        Answer answer = curl("simplereenroll", "new.b64", true);
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("CERTIFICATE_BLOCKED");
    }

    @Test
    void aSubjectChangeIsRefused() throws Exception {
        issuedAgo("est-subject", Duration.ofDays(350));
        newCsr("/C=NL/O=Other BV/OU=API Client/CN=est-subject");
        Answer answer = curl("simplereenroll", "new.b64", true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("SUBJECT_CHANGED").contains("O=Other BV");
    }

    @Test
    void revokedAndExpiredCertificatesAreRefused() throws Exception {
        Issued revoked = issuedAgo("est-revoked", Duration.ofDays(350));
        http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations", new HttpEntity<>(
                "{\"certificate\":\"" + revoked.serial() + "\",\"reason\":\"keyCompromise\"}", jsonHeaders()), String.class);
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!"REVOKED".equals(status(revoked.serial())) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        newCsr(SUBJECT + "est-revoked");
        Answer answer = curl("simplereenroll", "new.b64", true);
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("CERTIFICATE_REVOKED").contains("keyCompromise");
        Openssl.Result pki = Openssl.run(client, pkiEst("new.csr"));
        assertThat(pki.exitCode()).isNotZero();

        issuedAgo("est-expired", Duration.ofDays(400));
        newCsr(SUBJECT + "est-expired");
        Answer expired = curl("simplereenroll", "new.b64", true);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.body()).contains("CERTIFICATE_EXPIRED");
        assertThat(Openssl.run(client, pkiEst("new.csr")).exitCode()).isNotZero();
    }

    @Test
    void strangersAndClientsWithoutACertificateAreRefusedWithAReason() throws Exception {
        // a certificate of another CA (as a partner CA's would be) with a key of its own
        Openssl.ok(client, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout stranger-ca.key -out stranger-ca.pem"
                + " -subj '/CN=Stranger CA' -days 30 2>/dev/null");
        Openssl.ok(client, "openssl ecparam -genkey -name secp384r1 -noout -out old.key && openssl req -new -key old.key -subj '"
                + SUBJECT + "est-stranger' -out stranger.csr && openssl x509 -req -in stranger.csr -CA stranger-ca.pem -CAkey stranger-ca.key"
                + " -CAcreateserial -days 30 -out old.pem 2>/dev/null");
        newCsr(SUBJECT + "est-stranger");
        Answer stranger = curl("simplereenroll", "new.b64", true);
        assertThat(stranger.status()).isEqualTo(403);
        assertThat(stranger.body()).contains("CERTIFICATE_NOT_ISSUED_HERE").contains("CN=Stranger CA").contains("by mail");

        Answer anonymous = curl("simplereenroll", "new.b64", false);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body()).contains("CLIENT_CERTIFICATE_MISSING").contains("by mail");
        assertThat(curl("simpleenroll", "new.b64", false).status()).isEqualTo(401);
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-stranger'").query(Long.class).single()).isZero();
    }

    @Test
    void garbageAndACsrWithItsPrivateKeyAreRefusedWithAReason() throws Exception {
        issuedAgo("est-garbage", Duration.ofDays(350));
        Files.writeString(client.resolve("garbage.txt"), "this is no CSR at all");
        Answer garbage = curl("simplereenroll", "garbage.txt", true);
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.body()).contains("CSR_UNREADABLE");

        newCsr(SUBJECT + "est-garbage");
        Openssl.ok(client, "cat new.b64 new.key > with-key.txt");
        Answer withKey = curl("simplereenroll", "with-key.txt", true);
        assertThat(withKey.status()).isEqualTo(400);
        assertThat(withKey.body()).contains("PRIVATE_KEY_EXPOSED").contains("compromised");
        assertThat(jdbc.sql("select count(*) from certificate_request where organization_id = 'est-garbage' and est_kind is not null")
                .query(Long.class).single()).as("nothing of it kept").isZero();
    }

    @Test
    void anEarlyReenrollmentWaitsForAnApproverAndIsDeliveredWhenTheClientAsksAgain() throws Exception {
        Issued old = issuedAgo("est-early", Duration.ofDays(10));
        newCsr(SUBJECT + "est-early");
        Answer waiting = curl("simplereenroll", "new.b64", true);
        assertThat(waiting.status()).isEqualTo(202);
        assertThat(waiting.headers()).containsIgnoringCase("Retry-After: 300");
        String reference = referenceIn(waiting.body());
        assertThat(curl("simplereenroll", "new.b64", true).status()).as("asking again before the decision").isEqualTo(202);

        Openssl.ok(client, "cp new.b64 first.b64");
        newCsr(SUBJECT + "est-early");
        Answer second = curl("simplereenroll", "new.b64", true);
        assertThat(second.status()).as("one pending re-enrollment per certificate").isEqualTo(409);
        assertThat(second.body()).contains("REQUEST_PENDING").contains(reference);

        Task approval = awaitTask(reference, EstProcess.APPROVE_REQUEST);
        assertThat(approval.getDescription()).contains("before its renewal window opens");
        assertThat(approvalFacts(approval)).as("the approval form's facts").containsEntry("subject", "C=NL,O=ACME BV,OU=API Client,CN=est-early")
                .containsKey("publicKeySha256");
        decide("approver", approval.getId(), Map.of("approved", true));
        awaitEnded(reference, EstProcess.END_ISSUED);

        Answer delivered = curl("simplereenroll", "first.b64", true);
        assertThat(delivered.status()).isEqualTo(200);
        certificateFromAnswer("new.pem");
        assertThat(Openssl.ok(client, "openssl verify -CAfile ca.pem new.pem")).contains("new.pem: OK");
        assertThat(status(old.serial())).isEqualTo("SUPERSEDED");
        assertThat(activitiesOf(reference)).contains(EstProcess.APPROVE_REQUEST).doesNotContain(EstProcess.APPROVE_AUTOMATICALLY);
    }

    @Test
    void aReenrollmentWithAPolicyWarningWaitsForAnApproverEvenInsideTheWindow() throws Exception {
        issuedAgo("est-warning", Duration.ofDays(350));
        Openssl.ok(client, "openssl ecparam -genkey -name secp384r1 -noout -out new.key && openssl req -new -key new.key -out new.csr"
                + " -subj '" + SUBJECT + "est-warning' -addext 'basicConstraints=critical,CA:TRUE' && openssl req -in new.csr -outform DER | base64 > new.b64");
        Answer waiting = curl("simplereenroll", "new.b64", true);
        assertThat(waiting.status()).isEqualTo(202);
        Task approval = awaitTask(referenceIn(waiting.body()), EstProcess.APPROVE_REQUEST);
        assertThat(approval.getDescription()).contains("with warnings (CSR_REQUESTS_EXTENSIONS)");
    }

    @Test
    void concurrentRepeatsOfOneCsrGetOneCertificate() throws Exception {
        issuedAgo("est-race", Duration.ofDays(350));
        newCsr(SUBJECT + "est-race");
        StringBuilder parallel = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            parallel.append("curl -s --cacert ca.pem --cert old.pem --key old.key -H 'Content-Type: application/pkcs10' --data-binary @new.b64 -o a")
                    .append(i).append(".out ").append(url("simplereenroll")).append(" & ");
        }
        Openssl.ok(client, parallel + "wait");
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            answers.add(Files.readString(client.resolve("a" + i + ".out")));
        }
        assertThat(answers).hasSize(1);
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-race'").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void anotherEnvironmentsCertificateIsRefused() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued production = onboard("est-production", "production", keys);
        Files.writeString(client.resolve("old.key"), TestCsrs.privateKeyPem(keys));
        Files.writeString(client.resolve("old.pem"), production.certificatePem());
        newCsr(SUBJECT + "est-production");
        Answer answer = curl("simplereenroll", "new.b64", true);
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("CERTIFICATE_NOT_ISSUED_HERE").contains("certdesk's qa CA");
    }

    @Test
    void anAdditionalCertificateOverSimpleenrollAlwaysWaitsForAnApprover() throws Exception {
        Issued old = issuedAgo("est-more", Duration.ofDays(350));
        newCsr("/C=NL/O=ACME BV/OU=API Client/CN=est-more");
        Answer waiting = curl("simpleenroll", "new.b64", true);
        assertThat(waiting.status()).isEqualTo(202);
        Task approval = awaitTask(referenceIn(waiting.body()), EstProcess.APPROVE_REQUEST);
        assertThat(approval.getDescription()).contains("additional certificate");
        decide("approver", approval.getId(), Map.of("approved", false, "rejectionReason", "One certificate is enough"));
        Answer rejected = curl("simpleenroll", "new.b64", true);
        assertThat(rejected.status()).isEqualTo(403);
        assertThat(rejected.body()).contains("One certificate is enough");
        assertThat(status(old.serial())).isEqualTo("ACTIVE");

        newCsr("/C=NL/O=ACME BV/OU=API Client/CN=someone-else");
        Answer otherOrganization = curl("simpleenroll", "new.b64", true);
        assertThat(otherOrganization.status()).isEqualTo(400);
        assertThat(otherOrganization.body()).contains("CN_NOT_ORGANIZATION_ID");
    }

    @Test
    void csrAttributesAndCaCertificatesNeedNoClientCertificate() throws Exception {
        String cacerts = Openssl.ok(client, "curl -s --cacert ca.pem -D h.txt " + url("cacerts") + " | base64 -d | openssl pkcs7 -inform DER -print_certs");
        assertThat(cacerts).contains(Files.readString(client.resolve("ca.pem")).trim());
        assertThat(Files.readString(client.resolve("h.txt"))).containsIgnoringCase("Content-Type: application/pkcs7-mime");
        assertThat(Openssl.ok(client, "curl -s --cacert ca.pem " + url("csrattrs") + " | base64 -d | openssl asn1parse -inform DER"))
                .contains("secp384r1").contains("ecdsa-with-SHA384");
        assertThat(Openssl.ok(client, "curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem https://127.0.0.1:" + EST_PORT
                + "/camunda/app/tasklist/")).as("the EST listener serves nothing else").isEqualTo("404");
        assertThat(http.getForEntity("/.well-known/est/qa/cacerts", String.class).getStatusCode().value())
                .as("no EST on the plain web port").isEqualTo(404);
    }

    // --- a certificate's authority ends with its revocation: attacks by whoever holds a compromised key ---

    /** Asks an administrator's revocation; a key compromise goes through at once, other reasons wait for an approver. */
    private void revoke(String serial, String reason) {
        assertThat(http.withBasicAuth("admin", "admin").postForEntity("/admin/revocations", new HttpEntity<>(
                "{\"certificate\":\"" + serial + "\",\"reason\":\"" + reason + "\"}", jsonHeaders()), String.class)
                .getStatusCode().is2xxSuccessful()).as("revocation of " + serial + " accepted").isTrue();
    }

    private void awaitStatus(String serial, String expected) throws InterruptedException {
        Polling.until(WAIT, Duration.ofMillis(100), () -> expected.equals(status(serial)),
                () -> new AssertionError(serial + " is " + status(serial) + ", not " + expected + ", after " + WAIT));
    }

    /** Renews old.pem over EST with curl, inside its window, with a new key (new.key); the certificate saved as {@code file}. */
    private String reenroll(String organizationId, String file) throws Exception {
        newCsr(SUBJECT + organizationId);
        assertThat(curl("simplereenroll", "new.b64", true).status()).isEqualTo(200);
        certificateFromAnswer(file);
        return serialOf(file);
    }

    @Test
    void aCertificateBeingRevokedRenewsNothingWhileAnApproverDecides() throws Exception {
        Issued old = issuedAgo("est-revoking", Duration.ofDays(350));
        revoke(old.serial(), "cessationOfOperation");
        awaitTask(old.serial(), RevocationProcess.APPROVE_REVOCATION);

        newCsr(SUBJECT + "est-revoking");
        Answer answer = curl("simplereenroll", "new.b64", true);
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("REVOCATION_PENDING").contains(old.serial());
        assertThat(Openssl.run(client, pkiEst("new.csr")).exitCode()).isNotZero();
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-revoking'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aKeyCompromiseAlsoRevokesWhatTheCertificateRenewedOverEstAndAnotherReasonDoesNot() throws Exception {
        // whoever stole old.key re-enrolls inside the window before the theft is noticed
        Issued stolen = issuedAgo("est-stolen", Duration.ofDays(350));
        String thiefs = reenroll("est-stolen", "thief.pem");
        assertThat(status(thiefs)).isEqualTo("ACTIVE");

        revoke(stolen.serial(), "keyCompromise");
        awaitStatus(stolen.serial(), "REVOKED");
        awaitStatus(thiefs, "REVOKED");
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(thiefs).query(String.class).single())
                .isEqualTo("keyCompromise");
        Files.writeString(client.resolve("old.pem"), Files.readString(client.resolve("thief.pem")));
        Files.writeString(client.resolve("old.key"), Files.readString(client.resolve("new.key")));
        newCsr(SUBJECT + "est-stolen");
        Answer again = curl("simplereenroll", "new.b64", true);
        assertThat(again.status()).as("the thief's certificate renews nothing either").isEqualTo(403);
        assertThat(again.body()).contains("CERTIFICATE_REVOKED").contains("keyCompromise");

        // a certificate retired for another reason leaves its successor alone
        Issued retired = issuedAgo("est-retired", Duration.ofDays(350));
        reenroll("est-retired", "successor.pem");
        revoke(retired.serial(), "superseded");
        decide("approver", awaitTask(retired.serial(), RevocationProcess.APPROVE_REVOCATION).getId(), Map.of("approved", true));
        awaitStatus(retired.serial(), "REVOKED");
        assertThat(status(serialOf("successor.pem"))).isEqualTo("ACTIVE");
    }

    record Waiting(Issued old, String reference, Task approval) {
    }

    /** A re-enrollment (new.key, new.b64) of a certificate ten days old, answered 202: it waits for an approver. */
    private Waiting earlyReenrollment(String organizationId) throws Exception {
        Issued old = issuedAgo(organizationId, Duration.ofDays(10));
        newCsr(SUBJECT + organizationId);
        Answer waiting = curl("simplereenroll", "new.b64", true);
        assertThat(waiting.status()).isEqualTo(202);
        String reference = referenceIn(waiting.body());
        return new Waiting(old, reference, awaitTask(reference, EstProcess.APPROVE_REQUEST));
    }

    @Test
    void anEarlyReenrollmentMovedToTheAutomaticApprovalInsideTheEngineIsNotSigned() throws Exception {
        Waiting early = earlyReenrollment("est-moved");
        // what a process modification does (closed at the API's edge; here from inside the engine)
        assertThatThrownBy(() -> engine.getRuntimeService().createProcessInstanceModification(early.approval().getProcessInstanceId())
                .startBeforeActivity(EstProcess.APPROVE_AUTOMATICALLY).cancelAllForActivity(EstProcess.APPROVE_REQUEST)
                .execute(true, false)).hasMessageContaining("not an automatic re-enrollment");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(early.reference()).count()).as("still an approver's").isEqualTo(1);
        assertThat(curl("simplereenroll", "new.b64", true).status()).isEqualTo(202);
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-moved'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aReenrollmentWhosePrivateKeyIsMailedWhileItWaitsCannotBeApprovedAndTheClientLearnsWhy() throws Exception {
        Waiting early = earlyReenrollment("est-exposed");
        // while the re-enrollment waits, someone at the client mails its new private key to support
        String careless = address("est-exposed-admin");
        MAILBOX.send(Mailbox.from(careless).subject("our new key").body("Attached, for safekeeping.")
                .attach("new.key", Files.readAllBytes(client.resolve("new.key"))));
        assertThat(MAILBOX.awaitOne(careless).subject()).contains("SECURITY");
        String output = Openssl.ok(client, "openssl ec -in new.key -pubout -outform DER 2>/dev/null | openssl dgst -sha256");
        String keyHash = output.substring(output.indexOf("= ") + 2).trim();
        Polling.until(WAIT, Duration.ofMillis(100), () -> jdbc.sql("select count(*) from compromised_key where public_key_sha256 = ?")
                .param(keyHash).query(Long.class).single() > 0, () -> new AssertionError("the mailed key was not recorded"));

        assertThatThrownBy(() -> decide("approver", early.approval().getId(), Map.of("approved", true)))
                .hasStackTraceContaining("cannot be approved").hasStackTraceContaining("private key was mailed");
        decide("approver", early.approval().getId(), Map.of("approved", false, "rejectionReason",
                "Your new key was mailed to us: make another one and ask again"));
        Answer refused = curl("simplereenroll", "new.b64", true);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("make another one");
        assertThat(status(early.old().serial())).isEqualTo("ACTIVE");
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-exposed'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aReenrollmentWaitingForAnApproverIsClosedWhenItsCertificateIsRevoked() throws Exception {
        Waiting early = earlyReenrollment("est-closed");
        Issued old = early.old();
        String reference = early.reference();

        revoke(old.serial(), "keyCompromise");
        awaitStatus(old.serial(), "REVOKED");
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(reference).count()).as("nothing left to approve").isZero();
        assertThat(processOf(reference)).isNull();
        assertThat(jdbc.sql("select status || ' ' || decision_reason from certificate_request where reference = ?").param(reference)
                .query(String.class).single()).isEqualTo("REJECTED certificate " + old.serial()
                + ", which asked for it over EST, was revoked (keyCompromise)");
        Answer asksAgain = curl("simplereenroll", "new.b64", true);
        assertThat(asksAgain.status()).isEqualTo(403);
        assertThat(asksAgain.body()).contains("CERTIFICATE_REVOKED");
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-closed'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void anApprovedReenrollmentWaitsForAPendingRevocationAndIsSignedOnceItIsDeclined() throws Exception {
        Waiting early = earlyReenrollment("est-held");
        Issued old = early.old();
        String reference = early.reference();
        Task approval = early.approval();

        // someone asks to revoke the certificate; meanwhile an approver approves its re-enrollment
        revoke(old.serial(), "cessationOfOperation");
        Task revocation = awaitTask(old.serial(), RevocationProcess.APPROVE_REVOCATION);
        decide("approver", approval.getId(), Map.of("approved", true));
        Polling.until(WAIT, Duration.ofMillis(100), () -> engine.getManagementService().createJobQuery().processInstanceId(processOf(reference).getId())
                .withException().count() > 0, () -> new AssertionError("signing did not wait for the pending revocation"));
        assertThat(curl("simplereenroll", "new.b64", true).status()).as("nothing signed while the revocation is pending").isEqualTo(202);

        // the revocation is declined: the re-enrollment is signed at once, not at the next retry a minute later
        decide("approver", revocation.getId(), Map.of("approved", false, "rejectionReason", "Sent by mistake"));
        awaitEnded(reference, EstProcess.END_ISSUED);
        Answer delivered = curl("simplereenroll", "new.b64", true);
        assertThat(delivered.status()).isEqualTo(200);
        assertThat(status(old.serial())).isEqualTo("SUPERSEDED");
    }

    @Test
    void concurrentReenrollmentsWithDifferentKeysGetOneCertificate() throws Exception {
        issuedAgo("est-rush", Duration.ofDays(350));
        StringBuilder parallel = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            Openssl.ok(client, "openssl ecparam -genkey -name secp384r1 -noout -out k" + i + ".key && openssl req -new -key k" + i
                    + ".key -subj '" + SUBJECT + "est-rush' -outform DER | base64 > k" + i + ".b64");
            parallel.append("curl -s --cacert ca.pem --cert old.pem --key old.key -H 'Content-Type: application/pkcs10' --data-binary @k")
                    .append(i).append(".b64 -o a").append(i).append(".out -w '%{http_code} ' ").append(url("simplereenroll")).append(" & ");
        }
        String codes = Openssl.ok(client, parallel + "wait");
        assertThat(codes.trim().split(" ")).as("answers: " + codes).containsOnlyOnce("200");
        for (int i = 0; i < 6; i++) {
            // the others learn that the certificate was just renewed (or is being renewed), never an internal error
            String answer = Files.readString(client.resolve("a" + i + ".out"));
            assertThat(answer.startsWith("MI") || answer.contains("CERTIFICATE_SUPERSEDED") || answer.contains("REQUEST_PENDING"))
                    .as("answer " + i + ": " + answer).isTrue();
        }
        assertThat(jdbc.sql("select count(*) from issued_certificate where organization_id = 'est-rush'").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void aCsrCarryingSomeoneElsesKeyLearnsNotWhoseKeyItIs() throws Exception {
        Issued victim = issuedAgo("est-victim", Duration.ofDays(350));
        issuedAgo("est-prober", Duration.ofDays(350));
        // the prober copies the victim's public key out of its certificate into a CSR signed with a key of its own
        PublicKey victims = CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(victim.certificatePem().getBytes(StandardCharsets.US_ASCII))).getPublicKey();
        PKCS10CertificationRequest probe = new PKCS10CertificationRequestBuilder(new X500Name("C=NL,O=ACME BV,OU=API Client,CN=est-prober"),
                SubjectPublicKeyInfo.getInstance(victims.getEncoded()))
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(TestCsrs.ec("secp384r1").getPrivate()));
        Files.writeString(client.resolve("probe.b64"), Base64.getEncoder().encodeToString(probe.getEncoded()));
        Answer answer = curl("simplereenroll", "probe.b64", true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("CSR_SIGNATURE_INVALID").doesNotContain(victim.serial()).doesNotContain("KEY_REUSED");
    }

    @Test
    void aCsrWithAKeyCertdeskChecksNoSignatureWithLearnsNothingAboutThatKeyAndCostsNoTime() throws Exception {
        KeyPair victimKeys = TestCsrs.rsa(2048);
        Issued victim = onboardSignedAgo("est-rsa-victim", "qa", victimKeys, Duration.ofDays(350));
        issuedAgo("est-rsa-prober", Duration.ofDays(350));
        // the victim's modulus with an exponent beyond 2^32, whose signature certdesk does not check, signed by nobody
        java.security.interfaces.RSAPublicKey victims = (java.security.interfaces.RSAPublicKey) victimKeys.getPublic();
        SubjectPublicKeyInfo probeKey = new SubjectPublicKeyInfo(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption, org.bouncycastle.asn1.DERNull.INSTANCE),
                new org.bouncycastle.asn1.pkcs.RSAPublicKey(victims.getModulus(), BigInteger.ONE.shiftLeft(33).add(BigInteger.ONE)));
        PKCS10CertificationRequest probe = new PKCS10CertificationRequestBuilder(new X500Name("C=NL,O=ACME BV,OU=API Client,CN=est-rsa-prober"),
                probeKey).build(new JcaContentSignerBuilder("SHA384withECDSA").build(TestCsrs.ec("secp384r1").getPrivate()));
        Files.writeString(client.resolve("probe.b64"), Base64.getEncoder().encodeToString(probe.getEncoded()));
        Answer answer = curl("simplereenroll", "probe.b64", true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("KEY_NOT_ALLOWED").doesNotContain(victim.serial()).doesNotContain("KEY_REUSED");

        // the victim's modulus with the exponent 1: the "signature" is the request's padded hash, which anyone writes
        Files.writeString(client.resolve("one.b64"), Base64.getEncoder().encodeToString(
                TestCsrs.csrForgedWithExponentOne("C=NL,O=ACME BV,OU=API Client,CN=est-rsa-prober", victims.getModulus()).getEncoded()));
        answer = curl("simplereenroll", "one.b64", true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("KEY_NOT_ALLOWED").doesNotContain(victim.serial()).doesNotContain("KEY_REUSED");

        // a DSA key whose domain the client chose: checking it would cost 18 s of CPU per request
        Files.writeString(client.resolve("dsa.b64"), Base64.getEncoder().encodeToString(
                TestCsrs.csrWithDsaDomainBits("C=NL,O=ACME BV,OU=API Client,CN=est-rsa-prober", 30_000).getEncoded()));
        long started = System.nanoTime();
        answer = curl("simplereenroll", "dsa.b64", true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("KEY_NOT_ALLOWED");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered without checking the signature").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anOldKeyFoundInAMailRevokesWhatItRenewedOnlyOnceAnApproverAgrees() throws Exception {
        // a certificate renewed over EST, then retired as superseded as every renewed one is
        Issued retired = issuedAgo("est-backup", Duration.ofDays(350));
        String oldKey = Files.readString(client.resolve("old.key"));
        String current = reenroll("est-backup", "current.pem");
        revoke(retired.serial(), "superseded");
        decide("approver", awaitTask(retired.serial(), RevocationProcess.APPROVE_REVOCATION).getId(), Map.of("approved", true));
        awaitStatus(retired.serial(), "REVOKED");

        // its old key turns up in a mail (an old backup): an approver decides before what it renewed goes too
        String stranger = address("backup");
        MAILBOX.send(Mailbox.from(stranger).body("Found this in an old backup").attach("old.key", oldKey.getBytes(StandardCharsets.US_ASCII)));
        Task approval = awaitTask(retired.serial(), RevocationProcess.APPROVE_REVOCATION);
        assertThat(status(current)).isEqualTo("ACTIVE");
        decide("approver", approval.getId(), Map.of("approved", true));
        awaitStatus(current, "REVOKED");
    }

    /** Whether a revocation of the certificate is still under way. */
    private boolean revocationRunning(String serial) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(RevocationProcess.KEY).processInstanceBusinessKey(serial).count() > 0;
    }

    @Test
    void aForgedPrivateKeyMailedByAStrangerRevokesNeitherTheCertificateNorWhatItRenewedOverEst() throws Exception {
        // the victim renews over EST; its new certificate and key are seen by nobody else
        Issued victim = issuedAgo("est-forged", Duration.ofDays(350));
        String renewed = reenroll("est-forged", "renewed.pem");

        // a stranger who saw the old certificate (a partner it authenticated to) mails an "EC PRIVATE KEY" that carries
        // that certificate's public key next to a private value of its own choosing: no private key of the victim's
        SubjectPublicKeyInfo victims = SubjectPublicKeyInfo.getInstance(CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(victim.certificatePem().getBytes(StandardCharsets.US_ASCII))).getPublicKey().getEncoded());
        byte[] forged = new ECPrivateKey(384, BigInteger.valueOf(7), victims.getPublicKeyData(), victims.getAlgorithm().getParameters())
                .getEncoded();
        String forgedPem = "-----BEGIN EC PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(forged) + "\n-----END EC PRIVATE KEY-----\n";
        String stranger = address("stranger");
        MAILBOX.send(Mailbox.from(stranger).body("Organization ID: est-forged\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client-key.pem", forgedPem.getBytes(StandardCharsets.US_ASCII)));
        awaitTask(referenceIn(MAILBOX.awaitOne(stranger).subject()), OnboardingProcess.REVIEW_EXPOSED_KEY);
        Polling.until(WAIT, Duration.ofMillis(100), () -> !revocationRunning(victim.serial()) && !revocationRunning(renewed),
                () -> new AssertionError("revocations of " + victim.serial() + " or " + renewed + " still running after " + WAIT));

        assertThat(status(renewed)).as("the renewed certificate, whose key the stranger never saw").isEqualTo("ACTIVE");
        assertThat(status(victim.serial())).as("the old certificate, whose private key the stranger never had").isEqualTo("SUPERSEDED");
    }

    @Test
    void aKeyCompromiseFoundAfterTheSupersededRevocationStillRevokesWhatTheKeyRenewedOverEst() throws Exception {
        // whoever stole old.key renews with it; the old certificate is then retired as superseded, as every renewed one is
        Issued stolen = issuedAgo("est-late", Duration.ofDays(350));
        String thiefs = reenroll("est-late", "thief.pem");
        revoke(stolen.serial(), "superseded");
        decide("approver", awaitTask(stolen.serial(), RevocationProcess.APPROVE_REVOCATION).getId(), Map.of("approved", true));
        awaitStatus(stolen.serial(), "REVOKED");

        // the theft comes to light afterwards: the key's compromise still reaches what was asked for with it
        revoke(stolen.serial(), "keyCompromise");
        awaitStatus(thiefs, "REVOKED");
    }

    @Test
    void aKeyCompromiseOfAnotherCertificateWithTheKeyReachesWhatTheRetiredOneRenewedOverEst() throws Exception {
        // one key in qa and in production; whoever stole it renews the qa certificate over EST, which is then retired
        KeyPair keys = TestCsrs.ec("secp384r1");
        Issued stolen = onboardSignedAgo("est-twin", "qa", keys, Duration.ofDays(350));
        Files.writeString(client.resolve("old.key"), TestCsrs.privateKeyPem(keys));
        Files.writeString(client.resolve("old.pem"), stolen.certificatePem());
        String thiefs = reenroll("est-twin", "thief.pem");
        revoke(stolen.serial(), "superseded");
        decide("approver", awaitTask(stolen.serial(), RevocationProcess.APPROVE_REVOCATION).getId(), Map.of("approved", true));
        awaitStatus(stolen.serial(), "REVOKED");
        Issued production = onboard("est-twin-prod", "production", keys);

        // the owner reports the production certificate's key compromised: the key's qa renewal over EST goes too
        revoke(production.serial(), "keyCompromise");
        awaitStatus(production.serial(), "REVOKED");
        awaitStatus(thiefs, "REVOKED");
        assertThat(jdbc.sql("select revocation_reason from issued_certificate where serial = ?").param(stolen.serial())
                .query(String.class).single()).isEqualTo("keyCompromise");
    }

    private static HttpHeaders jsonHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return headers;
    }
}
