package io.certdesk.rollover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.support.Approvals;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.Ports;
import io.certdesk.support.Rest;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A CA rollover end to end, on a certdesk of its own: certificates of the first CA (one of them revoked), a
 * rollover asked for over the admin API and approved by two different administrators, then the client's and the
 * relying party's tools against what certdesk publishes: both CAs in {@code ca.pem} during the overlap,
 * {@code openssl verify} for old and new certificates, the old CA's CRL and OCSP still reporting the revoked
 * certificate, the renewal signed by the new CA and delivered with it, both accepted by the mTLS listener, and
 * the technical contacts told.
 */
class CaRolloverIT {

    static final int SMTP = Ports.free();
    static final int IMAP = Ports.free();
    static final int MTLS = Ports.free();
    static final Mailbox MAILBOX = new Mailbox("127.0.0.1", SMTP, IMAP);
    static final String OPERATOR = "pki-operators@certdesk.test";

    @TempDir
    static Path dir;
    static StandaloneCertdesk certdesk;
    static String base;

    @BeforeAll
    static void start() {
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(dir.resolve("data"), SMTP, IMAP);
        properties.put("certdesk.mtls.ports.qa", MTLS);
        properties.put("certdesk.ca-rollover.operator-address", OPERATOR);
        // the first CA expires in 200 days: inside no reminder offset at start, inside 180 after 25 days
        properties.put("certdesk.environments.qa.ca-validity", "200d");
        certdesk = StandaloneCertdesk.start(properties);
        base = "http://127.0.0.1:" + certdesk.port();
        IdentityService identity = certdesk.bean(IdentityService.class);
        for (String admin : List.of("ada", "grace")) {
            User user = identity.newUser(admin);
            user.setPassword(admin + "-secret");
            identity.saveUser(user);
            identity.createMembership(admin, "camunda-admin");
        }
    }

    @AfterAll
    static void stop() {
        if (certdesk != null) {
            certdesk.close();
        }
    }

    @Test
    void rolloverKeepsOldCertificatesWorkingAndIssuesRenewalsFromTheNewCa() throws Exception {
        Openssl.assumeAvailable();
        KeyPair oldKeys = TestCsrs.ec("secp384r1");
        Issued old = onboard("roll-1", "jane-roll@acme.test", oldKeys);
        Issued doomed = onboard("roll-2", "joe-roll@acme.test", TestCsrs.ec("secp384r1"));
        Files.writeString(dir.resolve("old.pem"), old.certificatePem());
        Files.writeString(dir.resolve("old.key"), TestCsrs.privateKeyPem(oldKeys));
        Files.writeString(dir.resolve("doomed.pem"), doomed.certificatePem());
        Files.writeString(dir.resolve("ca1.pem"), get("/pki/qa/ca.pem"));
        String firstFingerprint = get("/pki/qa/ca-fingerprint").trim();
        Rest.Response revoked = Rest.basic(base, "admin", "admin").post("/admin/revocations",
                "{\"certificate\": \"" + doomed.serial() + "\", \"reason\": \"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(202);
        awaitRevoked(doomed.serial());

        // asking: an approver is no administrator; an unknown environment and a silly overlap are refused with a reason
        assertThat(Rest.basic(base, "approver", "approver").post("/admin/ca-rollovers", "{\"environment\": \"qa\"}").status()).isEqualTo(403);
        Rest ada = Rest.basic(base, "ada", "ada-secret");
        assertThat(ada.post("/admin/ca-rollovers", "{\"environment\": \"staging\"}").body()).contains("environment must be one of");
        assertThat(ada.post("/admin/ca-rollovers", "{\"environment\": \"qa\", \"overlapDays\": 0}").status()).isEqualTo(400);
        Rest.Response asked = ada.post("/admin/ca-rollovers", "{\"environment\": \"qa\", \"overlapDays\": 90, \"reason\": \"yearly key change\"}");
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        String reference = asked.body().replaceAll(".*\"reference\":\"([^\"]+)\".*", "$1");
        assertThat(ada.post("/admin/ca-rollovers", "{\"environment\": \"qa\"}").status()).as("one rollover at a time").isEqualTo(409);

        // four eyes: ada approves first; ada cannot approve again, grace can
        Task first = awaitTask(reference, CaRolloverProcess.FIRST_APPROVAL);
        assertThat(first.getName()).isEqualTo("Roll over the qa CA (" + reference + "): first approval");
        Approvals.complete(certdesk, "ada", first.getId(), Map.of("firstApproved", true));
        Task second = awaitTask(reference, CaRolloverProcess.SECOND_APPROVAL);
        assertThatThrownBy(() -> Approvals.complete(certdesk, "ada", second.getId(), Map.of("secondApproved", true)))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("Four eyes");
        assertThatThrownBy(() -> Approvals.complete(certdesk, "approver", second.getId(), Map.of("secondApproved", true)))
                .isInstanceOf(ProcessEngineException.class);
        Approvals.complete(certdesk, "grace", second.getId(), Map.of("secondApproved", true));
        awaitEnded(reference, "EndEvent_CaRolledOver");
        JdbcClient jdbc = certdesk.bean(JdbcClient.class);
        assertThat(jdbc.sql("select first_decided_by || ',' || second_decided_by from ca_rollover where reference = ?")
                .param(reference).query(String.class).single()).isEqualTo("ada,grace");

        // what relying parties download: both CAs during the overlap, the new one first; its fingerprint published
        String bundle = get("/pki/qa/ca.pem");
        assertThat(bundle.split("-----BEGIN CERTIFICATE-----")).hasSize(3);
        Files.writeString(dir.resolve("ca.pem"), bundle);
        String newFingerprint = get("/pki/qa/ca-fingerprint").trim();
        assertThat(newFingerprint).isNotEqualTo(firstFingerprint);
        assertThat(Openssl.ok(dir, "openssl x509 -in ca.pem -noout -fingerprint -sha256")).contains(newFingerprint);
        assertThat(Openssl.ok(dir, "openssl x509 -in ca.pem -noout -subject")).contains("certdesk QA Client CA G2");
        assertThat(Openssl.ok(dir, "openssl verify -CAfile ca.pem old.pem").trim()).isEqualTo("old.pem: OK");
        assertThat(get("/pki/qa/trust-bundle.pem").split("-----BEGIN CERTIFICATE-----")).hasSizeGreaterThanOrEqualTo(3);

        // the revoked certificate of the first CA stays revoked in its CRL and OCSP
        Files.write(dir.resolve("ca1.crl"), getBytes("/pki/qa/crl"));
        // openssl prints a serial with an even number of hex digits
        String listed = doomed.serial().length() % 2 == 0 ? doomed.serial() : "0" + doomed.serial();
        assertThat(Openssl.ok(dir, "openssl crl -inform DER -in ca1.crl -noout -text"))
                .contains("Serial Number: " + listed).contains("Key Compromise");
        Openssl.ok(dir, "openssl crl -inform DER -in ca1.crl -out ca1-crl.pem");
        assertThat(Openssl.run(dir, "openssl verify -crl_check -CAfile ca1.pem -CRLfile ca1-crl.pem doomed.pem").output()).contains("revoked");
        assertThat(Openssl.ok(dir, "openssl verify -crl_check -CAfile ca1.pem -CRLfile ca1-crl.pem old.pem").trim()).isEqualTo("old.pem: OK");
        assertThat(Openssl.ok(dir, "openssl ocsp -issuer ca1.pem -cert doomed.pem -url " + base + "/pki/qa/ocsp -CAfile ca1.pem 2>&1"))
                .contains("doomed.pem: revoked");

        // the old client keeps connecting during the overlap
        assertThat(Openssl.ok(dir, curl("old.pem", "old.key"))).isEqualTo("404");

        // the renewal is signed by the new CA, delivered with it, and supersedes the old certificate
        KeyPair newKeys = TestCsrs.ec("secp384r1");
        Issued renewed = onboard("roll-1", old.contact(), newKeys);
        Files.writeString(dir.resolve("new.pem"), renewed.certificatePem());
        Files.writeString(dir.resolve("new.key"), TestCsrs.privateKeyPem(newKeys));
        Files.writeString(dir.resolve("delivered-ca.pem"), renewed.caPem());
        assertThat(Openssl.ok(dir, "openssl x509 -in delivered-ca.pem -noout -fingerprint -sha256")).contains(newFingerprint);
        assertThat(Openssl.ok(dir, "openssl verify -CAfile delivered-ca.pem new.pem").trim()).isEqualTo("new.pem: OK");
        assertThat(Openssl.run(dir, "openssl verify -CAfile ca1.pem new.pem").exitCode()).as("not signed by the first CA").isNotZero();
        assertThat(Openssl.ok(dir, "openssl verify -CAfile ca.pem new.pem").trim()).isEqualTo("new.pem: OK");
        assertThat(Openssl.ok(dir, "openssl x509 -in new.pem -noout -ext crlDistributionPoints")).contains("/pki/qa/crl/2");
        Files.write(dir.resolve("ca2.crl"), getBytes("/pki/qa/crl/2"));
        assertThat(Openssl.ok(dir, "openssl crl -inform DER -in ca2.crl -noout -issuer")).contains("G2");
        Files.writeString(dir.resolve("ca2.pem"), get("/pki/qa/ca/2.pem"));
        assertThat(Openssl.ok(dir, "openssl ocsp -issuer ca2.pem -cert new.pem -url " + base + "/pki/qa/ocsp -CAfile ca2.pem 2>&1"))
                .contains("new.pem: good");
        assertThat(Openssl.ok(dir, curl("new.pem", "new.key"))).isEqualTo("404");
        assertThat(jdbc.sql("select status from issued_certificate where serial = ?").param(old.serial()).query(String.class).single())
                .isEqualTo("SUPERSEDED");
        assertThat(validate(renewed.certificatePem())).contains("\"valid\":true").contains("\"caGeneration\":2");
        assertThat(validate(old.certificatePem())).contains("\"caGeneration\":1").contains("\"issuedByThisCa\":true");

        // the technical contacts heard of the new CA, with its fingerprint
        Mailbox.Received told = MAILBOX.await(old.contact(), 1, Duration.ofSeconds(30)).stream()
                .filter(m -> m.subject().contains("certdesk has a new CA")).findFirst().orElseThrow();
        assertThat(told.text()).contains(newFingerprint).contains(firstFingerprint).contains("/pki/qa/ca/2.pem");
    }

    @Test
    void operatorsAreRemindedOnceAtEachOffsetBeforeTheIssuingCaExpires() throws Exception {
        CaExpiryReminders reminders = certdesk.bean(CaExpiryReminders.class);
        certdesk.clock().reset();
        try {
            int before = MAILBOX.read(OPERATOR, "INBOX").size();
            // production's CA is ten years away from expiry; qa's first CA 200 days (a rollover may have replaced it)
            String qaSubject = certdesk.bean(CertificateAuthorities.class).get("qa").certificate().getSubjectX500Principal().getName();
            reminders.sendDue();
            long qaDaysLeft = Duration.between(Instant.now(),
                    certdesk.bean(CertificateAuthorities.class).get("qa").certificate().getNotAfter().toInstant()).toDays();
            if (qaDaysLeft <= 180) {
                return;
            }
            assertThat(MAILBOX.read(OPERATOR, "INBOX")).hasSize(before);
            // the lifecycle sweep sends due reminders by itself; the test calls it as well, and counts the mails
            certdesk.clock().moveTo(Instant.now().plus(Duration.ofDays(25)));
            reminders.sendDue();
            List<Mailbox.Received> mails = MAILBOX.await(OPERATOR, before + 1, Duration.ofSeconds(30));
            Mailbox.Received reminder = mails.get(mails.size() - 1);
            assertThat(reminder.subject()).startsWith("[certdesk] The qa CA expires in 175 days");
            assertThat(reminder.text()).contains(qaSubject).contains("/admin/ca-rollovers").contains("\"environment\": \"qa\"");
            assertThat(reminders.sendDue()).as("once per offset").isZero();
            certdesk.clock().moveTo(Instant.now().plus(Duration.ofDays(175)));
            reminders.sendDue();
            reminders.sendDue();
            Thread.sleep(3000);
            List<Mailbox.Received> all = MAILBOX.read(OPERATOR, "INBOX");
            assertThat(all).as("90 and 30 days fall due together: one mail, for 30").hasSize(before + 2);
            assertThat(all.get(all.size() - 1).subject()).startsWith("[certdesk] The qa CA expires in 25 days");
        } finally {
            certdesk.clock().reset();
        }
    }

    @Test
    void anApproverCannotStartARolloverThroughTheEngineApi() throws Exception {
        Rest approver = Rest.basic(base, "approver", "approver");
        String variables = "{\"variables\": {\"environment\": {\"value\": \"production\"}, \"overlapDays\": {\"value\": 30, \"type\": \"Long\"}}}";
        Rest.Response started = approver.post("/engine-rest/process-definition/key/caRollover/start", variables);
        Rest.Response submitted = approver.post("/engine-rest/process-definition/key/caRollover/submit-form", variables);
        JdbcClient jdbc = certdesk.bean(JdbcClient.class);
        HistoryService history = certdesk.bean(HistoryService.class);
        Thread.sleep(2000);
        // refused at the door, or refused by the process's own check: never a rollover on record, never an approval task
        for (Rest.Response response : List.of(started, submitted)) {
            if (response.status() < 400) {
                String id = response.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
                for (int i = 0; i < 100 && history.createHistoricActivityInstanceQuery().processInstanceId(id)
                        .activityId("EndEvent_RolloverRefused").count() == 0; i++) {
                    Thread.sleep(100);
                }
                assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(id).activityId("EndEvent_RolloverRefused").count())
                        .as("refused: " + response.body()).isEqualTo(1);
            }
        }
        assertThat(jdbc.sql("select count(*) from ca_rollover where requested_by = 'approver'").query(Integer.class).single()).isZero();
        assertThat(certdesk.bean(TaskService.class).createTaskQuery().processDefinitionKey(CaRolloverProcess.KEY)
                .taskCandidateGroup("approvers").count()).isZero();
        assertThat(certdesk.bean(CertificateAuthorities.class).generations("production")).hasSize(1);
    }

    @Test
    void anAdministratorCannotTurnADeclineIntoAnApprovalReuseAReferenceOrMakeASecondIdentity() throws Exception {
        Rest ada = Rest.basic(base, "ada", "ada-secret");
        Rest grace = Rest.basic(base, "grace", "grace-secret");
        Rest.Response asked = ada.post("/admin/ca-rollovers", "{\"environment\": \"production\", \"overlapDays\": 30, \"reason\": \"drill\"}");
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        String reference = asked.body().replaceAll(".*\"reference\":\"([^\"]+)\".*", "$1");

        // a second process with the same business key is not this rollover
        Rest.Response replay = ada.post("/engine-rest/process-definition/key/caRollover/start", "{\"businessKey\": \"" + reference
                + "\", \"variables\": {\"environment\": {\"value\": \"qa\"}, \"overlapDays\": {\"value\": 1, \"type\": \"Long\"}}}");
        if (replay.status() < 400) {
            String id = replay.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            HistoryService history = certdesk.bean(HistoryService.class);
            for (int i = 0; i < 100 && history.createHistoricActivityInstanceQuery().processInstanceId(id)
                    .activityId("EndEvent_RolloverRefused").count() == 0; i++) {
                Thread.sleep(100);
            }
            assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(id).activityId("EndEvent_RolloverRefused").count())
                    .as("the replay is refused").isEqualTo(1);
        }

        // ada approves and slips in an approval for the second step; grace declines: the decline stands
        Task first = awaitTask(reference, CaRolloverProcess.FIRST_APPROVAL);
        assertThat(ada.post("/engine-rest/task/" + first.getId() + "/complete", "{\"variables\": {\"firstApproved\": {\"value\": true},"
                + " \"secondApproved\": {\"value\": true}}}").status()).isEqualTo(204);
        Task second = awaitTask(reference, CaRolloverProcess.SECOND_APPROVAL);
        assertThat(ada.put("/engine-rest/task/" + second.getId() + "/localVariables/secondApproved", "{\"value\": false, \"type\": \"Boolean\"}")
                .status()).as("task variables are set only by completing the task").isEqualTo(403);
        assertThat(grace.post("/engine-rest/task/" + second.getId() + "/complete", "{\"variables\": {\"secondApproved\": {\"value\": false},"
                + " \"rejectionReason\": {\"value\": \"not now\"}}}").status()).isEqualTo(204);
        awaitEnded(reference, "EndEvent_RolloverRejected");
        assertThat(certdesk.bean(CertificateAuthorities.class).generations("production")).hasSize(1);
        assertThat(certdesk.bean(JdbcClient.class).sql("select state from ca_rollover where reference = ?").param(reference)
                .query(String.class).single()).isEqualTo("REJECTED");

        // no administrator makes a second identity, or takes over another's, through the engine's API
        assertThat(ada.post("/engine-rest/user/create", "{\"profile\": {\"id\": \"ada2\"}, \"credentials\": {\"password\": \"x\"}}")
                .status()).isEqualTo(403);
        assertThat(ada.put("/engine-rest/user/grace/credentials", "{\"password\": \"mine\", \"authenticatedUserPassword\": \"ada-secret\"}")
                .status()).isEqualTo(403);
        assertThat(ada.put("/engine-rest/group/camunda-admin/members/approver", null).status()).isEqualTo(403);
        assertThat(certdesk.bean(IdentityService.class).createUserQuery().userId("ada2").count()).isZero();
    }

    // --- helpers

    record Issued(String reference, String serial, String certificatePem, String caPem, String contact) {
    }

    static Issued onboard(String organizationId, String contact, KeyPair keys) throws Exception {
        int seen = MAILBOX.read(contact, "INBOX").size();
        MAILBOX.send(Mailbox.from(contact).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId, keys)).getBytes()));
        String subject = MAILBOX.await(contact, seen + 1, Duration.ofSeconds(30)).get(seen).subject();
        String reference = subject.replaceAll(".*(CR-\\d{4}-\\d{6}).*", "$1");
        Task approval = certdesk.awaitApprovalTask(reference);
        Approvals.complete(certdesk, "approver", approval.getId(), Map.of("approved", true));
        Mailbox.Received delivery = MAILBOX.await(contact, seen + 2, Duration.ofSeconds(30)).get(seen + 1);
        String serial = certdesk.bean(JdbcClient.class).sql("select serial from issued_certificate where request_reference = ?")
                .param(reference).query(String.class).single();
        return new Issued(reference, serial, delivery.attachmentText("client-cert.pem"), delivery.attachmentText("ca-cert.pem"), contact);
    }

    static Task awaitTask(String reference, String key) throws InterruptedException {
        TaskService tasks = certdesk.bean(TaskService.class);
        for (int i = 0; i < 300; i++) {
            Task task = tasks.createTaskQuery().processInstanceBusinessKey(reference).taskDefinitionKey(key).singleResult();
            if (task != null) {
                return task;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no task " + key + " for " + reference);
    }

    static void awaitEnded(String reference, String endEvent) throws InterruptedException {
        HistoryService history = certdesk.bean(HistoryService.class);
        for (int i = 0; i < 300; i++) {
            for (var instance : history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(reference).list()) {
                if (history.createHistoricActivityInstanceQuery().processInstanceId(instance.getId()).activityId(endEvent).count() > 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(reference + " did not reach " + endEvent);
    }

    static void awaitRevoked(String serial) throws InterruptedException {
        JdbcClient jdbc = certdesk.bean(JdbcClient.class);
        for (int i = 0; i < 300; i++) {
            if ("REVOKED".equals(jdbc.sql("select status from issued_certificate where serial = ?").param(serial).query(String.class).single())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(serial + " was not revoked");
    }

    static String curl(String cert, String key) {
        return "curl -sk -o /dev/null -w '%{http_code}' --http1.1 --cert " + cert + " --key " + key + " https://127.0.0.1:" + MTLS + "/test";
    }

    static String get(String path) throws Exception {
        return new String(getBytes(path), StandardCharsets.US_ASCII);
    }

    static byte[] getBytes(String path) throws Exception {
        var client = HttpClient.newHttpClient();
        var response = client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    static String validate(String pem) throws Exception {
        var client = HttpClient.newHttpClient();
        return client.send(HttpRequest.newBuilder(URI.create(base + "/pki/qa/validate"))
                        .POST(HttpRequest.BodyPublishers.ofString(pem)).build(),
                HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
    }
}
