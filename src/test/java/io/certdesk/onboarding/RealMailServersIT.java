package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.certdesk.support.Approvals;
import io.certdesk.support.Dovecot;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Openssl;
import io.certdesk.support.Postfix;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import io.certdesk.trust.PartnerTrustProcess;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * certdesk between a real Postfix and a real Dovecot, as in production: clients mail Postfix, Postfix delivers into
 * Dovecot, certdesk reads the support inbox over IMAPS (IDLE) and sends through Postfix's submission port with
 * STARTTLS and SASL authentication, trusting only the throw-away CA of the servers; clients read their replies from
 * Dovecot.
 */
class RealMailServersIT {

    private static final String SUPPORT = Mailbox.SUPPORT;
    private static final List<String> ADDRESSES = List.of(SUPPORT, "jane@acme.test", "big@acme.test", "outage@acme.test",
            "twice@acme.test", "partner@acme.test");

    @TempDir
    Path dir;

    private Dovecot dovecot;
    private Postfix postfix;
    private StandaloneCertdesk certdesk;
    private Mailbox client;

    @BeforeEach
    void servers() throws Exception {
        dovecot = Dovecot.start(dir.resolve("dovecot"));
        postfix = Postfix.start(dir.resolve("postfix"), dovecot, ADDRESSES);
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(dir.resolve("data"), 0, 0);
        p.put("camunda.bpm.process-engine-name", "real-mail-" + postfix.smtpPort());
        p.put("certdesk.embedded-mail.enabled", false);
        p.put("certdesk.intake.protocol", "imaps");
        p.put("certdesk.intake.host", "127.0.0.1");
        p.put("certdesk.intake.port", dovecot.imapsPort());
        p.put("certdesk.intake.username", SUPPORT);
        p.put("certdesk.intake.password", Dovecot.PASSWORD);
        p.put("certdesk.intake.poll-interval", "60s");
        p.put("certdesk.intake.idle-sweep-interval", "60s");
        p.put("certdesk.mail-servers.trusted-certificates", dovecot.caFile().toString());
        p.put("spring.mail.host", "127.0.0.1");
        p.put("spring.mail.port", postfix.submissionPort());
        p.put("spring.mail.username", SUPPORT);
        p.put("spring.mail.password", Dovecot.PASSWORD);
        p.put("spring.mail.properties.mail.smtp.auth", true);
        p.put("spring.mail.properties.mail.smtp.starttls.enable", true);
        p.put("spring.mail.properties.mail.smtp.starttls.required", true);
        certdesk = StandaloneCertdesk.start(p);
        client = new Mailbox("127.0.0.1", postfix.smtpPort(), dovecot.imapPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (certdesk != null) {
            certdesk.close();
        }
        if (postfix != null) {
            postfix.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static Mailbox.Draft request(String from, String organizationId) throws Exception {
        return Mailbox.from(from).body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId,
                        TestCsrs.ec("secp256r1"))).getBytes());
    }

    private List<Mailbox.Received> await(String address, int count) throws Exception {
        try {
            return client.await(address, count, Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nPostfix log:\n" + postfix.log(), e);
        }
    }

    private static String referenceIn(String subject) {
        return subject.replaceAll(".*(CR-\\d{4}-\\d{6}).*", "$1");
    }

    @Test
    void aClientIsOnboardedThroughPostfixAndDovecotAndTheSignedDeliveryVerifies() throws Exception {
        client.send(request("jane@acme.test", "real-mail-org"));
        Mailbox.Received ack = await("jane@acme.test", 1).get(0);
        assertThat(ack.subject()).contains("received");
        String reference = referenceIn(ack.subject());
        Approvals.complete(certdesk, "approver", certdesk.awaitApprovalTask(reference).getId(), Map.of("approved", true));

        Mailbox.Received delivery = await("jane@acme.test", 2).get(1);
        assertThat(delivery.attachmentText("client-cert.pem")).contains("BEGIN CERTIFICATE");
        assertThat(dovecot.count(SUPPORT, "Processed")).isEqualTo(1);
        if (Openssl.available()) {
            Path work = dir.resolve("client");
            Files.createDirectories(work);
            Files.write(work.resolve("mail.eml"), client.raw("jane@acme.test").get(1));
            Files.writeString(work.resolve("mail-signing.pem"), HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + certdesk.port() + "/pki/mail-signing.pem")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(Openssl.ok(work, "openssl smime -verify -CAfile mail-signing.pem -in mail.eml -out /dev/null 2>&1"))
                    .contains("Verification successful");
        }
    }

    @Test
    void aTwelveMegabyteMailIsAnsweredFromItsHeadersAndLeavesTheInbox() throws Exception {
        byte[] large = new byte[12 * 1024 * 1024];
        new Random(7).nextBytes(large);
        client.send(Mailbox.from("big@acme.test").subject("Our CSR and some logs").body("Organization ID: real-mail-big\n")
                .attach("logs.bin", large));
        Mailbox.Received reply = await("big@acme.test", 1).get(0);
        assertThat(reply.text()).contains("MB");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dovecot.count(SUPPORT, "INBOX") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(dovecot.count(SUPPORT, "INBOX")).isZero();
    }

    @Test
    void aMailSentTwiceWithOneMessageIdIsAnsweredOnce() throws Exception {
        // the same mail twice, as a client's program resends it
        Mailbox.Draft mail = request("twice@acme.test", "real-mail-twice").messageId("<twice-1@acme.test>");
        client.send(mail);
        client.send(mail);
        await("twice@acme.test", 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dovecot.count(SUPPORT, "INBOX") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(dovecot.count(SUPPORT, "INBOX")).isZero();
        Thread.sleep(1000);
        assertThat(client.read("twice@acme.test", "INBOX")).hasSize(1);
    }

    @Test
    void aDeliveryWhilePostfixIsDownIsSentOnceWhenItIsBack() throws Exception {
        client.send(request("outage@acme.test", "real-mail-outage"));
        String reference = referenceIn(await("outage@acme.test", 1).get(0).subject());
        var approval = certdesk.awaitApprovalTask(reference);
        JdbcClient jdbc = certdesk.bean(JdbcClient.class);

        postfix.stop();
        Approvals.complete(certdesk, "approver", approval.getId(), Map.of("approved", true));
        ManagementService management = certdesk.bean(ManagementService.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // the delivery job fails against the stopped server and waits for its retry
        while (management.createJobQuery().withException().count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(management.createJobQuery().withException().count()).as("a failed delivery job").isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from issued_certificate where request_reference = ?").param(reference)
                .query(Long.class).single()).isEqualTo(1);

        postfix.start();
        // the retry falls due (a minute later in production)
        management.createJobQuery().withException().list().forEach(job -> management.setJobDuedate(job.getId(), new Date()));
        List<Mailbox.Received> mails = await("outage@acme.test", 2);
        assertThat(mails.get(1).attachmentText("client-cert.pem")).contains("BEGIN CERTIFICATE");
        Thread.sleep(3000);
        assertThat(client.read("outage@acme.test", "INBOX")).as("delivered once").hasSize(2);
        assertThat(jdbc.sql("select count(*) from issued_certificate where request_reference = ?").param(reference)
                .query(Long.class).single()).as("signed once").isEqualTo(1);
    }

    @Test
    void aPartnerChainThroughPostfixAndDovecotReachesItsFirstApprover() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued root = TestPki.root("CN=Real Mail Partner Root,O=Partner",
                now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(3000)));
        TestPki.Issued issuing = TestPki.intermediate("CN=Real Mail Partner Issuing,O=Partner",
                root, now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(1000)));
        TestPki.Issued leaf = TestPki.leaf("CN=real-mail-partner-client,O=Partner Client",
                issuing, KeyPurposeId.id_kp_clientAuth);
        client.send(Mailbox.from("partner@acme.test").subject("Our partner certificate").body("Organization ID: real-mail-partner\nEnvironment: qa\n")
                .attach("chain.pem", (leaf.pem() + issuing.pem() + root.pem()).getBytes()));
        String ack = await("partner@acme.test", 1).get(0).subject();
        assertThat(ack).contains("Partner CA received");
        String reference = ack.substring(ack.indexOf("TR-"), ack.indexOf(']'));
        var tasks = certdesk.bean(TaskService.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (tasks.createTaskQuery().processInstanceBusinessKey(reference).count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(tasks.createTaskQuery().processInstanceBusinessKey(reference).singleResult().getTaskDefinitionKey())
                .isEqualTo(PartnerTrustProcess.FIRST_APPROVAL);
    }
}
