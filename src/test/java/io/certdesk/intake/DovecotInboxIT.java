package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.certdesk.support.Dovecot;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * certdesk reads its support inbox from a real Dovecot over IMAPS, trusting only the throw-away CA it is given,
 * pushed by IDLE; requests, duplicates and private keys are handled as with the embedded server, and a Dovecot
 * restart in the middle of a batch loses and doubles nothing. Replies go out through the embedded SMTP server.
 */
class DovecotInboxIT {

    private static final String SUPPORT = Mailbox.SUPPORT;

    @TempDir
    Path dir;

    private Dovecot dovecot;
    private StandaloneCertdesk certdesk;
    private Mailbox replies;

    @BeforeEach
    void servers() throws Exception {
        dovecot = Dovecot.start(dir.resolve("dovecot"));
    }

    @AfterEach
    void stop() throws Exception {
        if (certdesk != null) {
            certdesk.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private void startCertdesk(boolean trusted) {
        int smtp = Ports.free();
        int imap = Ports.free();
        Map<String, Object> p = StandaloneCertdesk.embeddedProperties(dir.resolve("data"), smtp, imap);
        p.put("camunda.bpm.process-engine-name", "dovecot-" + smtp);
        p.put("certdesk.intake.protocol", "imaps");
        p.put("certdesk.intake.host", "127.0.0.1");
        p.put("certdesk.intake.port", dovecot.imapsPort());
        p.put("certdesk.intake.username", SUPPORT);
        p.put("certdesk.intake.password", Dovecot.PASSWORD);
        p.put("certdesk.intake.poll-interval", "60s");
        p.put("certdesk.intake.idle-sweep-interval", "60s");
        if (trusted) {
            p.put("certdesk.mail-servers.trusted-certificates", dovecot.caFile().toString());
        }
        certdesk = StandaloneCertdesk.start(p);
        replies = new Mailbox("127.0.0.1", smtp, imap);
    }

    private String health() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + certdesk.port()
                + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitHealth(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = health();
            if (last.contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("health never showed " + text + ": " + last);
    }

    private static byte[] request(String from, String organizationId, String messageId) throws Exception {
        return Mailbox.render(Mailbox.from(from).messageId(messageId)
                .body("Organization ID: " + organizationId + "\nCompany: ACME BV\nEnvironment: qa\n")
                .attach("client.csr", TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=" + organizationId,
                        TestCsrs.ec("secp256r1"))).getBytes()));
    }

    @Test
    void aRequestFromDovecotOverImapsIsPushedAnsweredAndMovedAndADuplicateStartsNothing() throws Exception {
        startCertdesk(true);
        awaitHealth("\"newMail\":\"idle\"");
        byte[] mail = request("jane@acme.test", "dovecot-org", "<dovecot-1@acme.test>");
        dovecot.deliver(SUPPORT, mail);
        long delivered = System.nanoTime();
        Mailbox.Received ack = replies.await("jane@acme.test", 1, Duration.ofSeconds(30)).get(0);
        long millis = (System.nanoTime() - delivered) / 1_000_000;
        System.out.println("Dovecot mail-to-acknowledgement with IMAP IDLE: " + millis + " ms");
        assertThat(ack.subject()).contains("received").contains("dovecot-org");
        assertThat(millis).isLessThan(5000);
        String reference = ack.subject().replaceAll(".*(CR-\\d{4}-\\d{6}).*", "$1");
        certdesk.awaitApprovalTask(reference);
        awaitCount(SUPPORT, "Processed", 1);
        assertThat(dovecot.count(SUPPORT, "INBOX")).isZero();

        // the same mail again (a client's resend, or the server delivering twice): no second request, no second reply
        dovecot.deliver(SUPPORT, mail);
        awaitCount(SUPPORT, "INBOX", 0);
        Thread.sleep(1000);
        assertThat(replies.read("jane@acme.test", "INBOX")).hasSize(1);
        assertThat(certdesk.bean(JdbcClient.class)
                .sql("select count(*) from certificate_request where message_id = '<dovecot-1@acme.test>'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aMailWithAPrivateKeyLeavesTheDovecotMailbox() throws Exception {
        startCertdesk(true);
        awaitHealth("\"newMail\":\"idle\"");
        KeyPair keys = TestCsrs.ec("secp256r1");
        String key = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        dovecot.deliver(SUPPORT, Mailbox.render(Mailbox.from("keys@acme.test").body("Organization ID: dovecot-key\n")
                .attach("client.key", key.getBytes())));
        assertThat(replies.await("keys@acme.test", 1, Duration.ofSeconds(30)).get(0).text()).containsIgnoringCase("private key");
        awaitCount(SUPPORT, "INBOX", 0);
        for (String folder : dovecot.folders(SUPPORT)) {
            assertThat(dovecot.count(SUPPORT, folder)).as("mails left in " + folder).isZero();
        }
    }

    @Test
    void aRestartOfDovecotInTheMiddleOfABatchLosesNothingAndDoublesNothing() throws Exception {
        startCertdesk(true);
        awaitHealth("\"newMail\":\"idle\"");
        int mails = 12;
        for (int i = 0; i < mails; i++) {
            dovecot.deliver(SUPPORT, request("batch-" + i + "@acme.test", "dovecot-batch-" + i, "<dovecot-batch-" + i + "@acme.test>"));
            if (i == mails / 2) {
                dovecot.restart();
            }
        }
        awaitCount(SUPPORT, "Processed", mails);
        for (int i = 0; i < mails; i++) {
            assertThat(replies.await("batch-" + i + "@acme.test", 1, Duration.ofSeconds(60))).as("replies to batch-" + i).hasSize(1);
        }
        awaitHealth("\"newMail\":\"idle\"");
        assertThat(dovecot.count(SUPPORT, "INBOX")).isZero();
        assertThat(certdesk.bean(JdbcClient.class)
                .sql("select count(*) from certificate_request where message_id like '<dovecot-batch-%'").query(Long.class).single())
                .isEqualTo(mails);
    }

    @Test
    void aServerCertificateCertdeskWasNotToldToTrustIsRefusedAndTheMailStays() throws Exception {
        startCertdesk(false);
        dovecot.deliver(SUPPORT, request("untrusted@acme.test", "dovecot-untrusted", "<dovecot-untrusted@acme.test>"));
        awaitHealth("PKIX");
        Thread.sleep(1000);
        assertThat(dovecot.count(SUPPORT, "INBOX")).isEqualTo(1);
        assertThat(replies.read("untrusted@acme.test", "INBOX")).isEmpty();
    }

    private void awaitCount(String address, String folder, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = dovecot.count(address, folder);
            if (last == count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(folder + " of " + address + " holds " + last + " mails, expected " + count);
    }
}
