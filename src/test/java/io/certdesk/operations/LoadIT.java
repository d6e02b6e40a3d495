package io.certdesk.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.certdesk.intake.EmbeddedMailServer;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * 1,000 mails arrive at once, one in ten of them bad in one of five ways: every sender gets exactly one answer,
 * the right one, every good request waits for an approver, nothing is issued and no mail is set aside.
 */
class LoadIT {

    static final int MAILS = 1000;

    @TempDir
    Path data;

    /** The bad tenth: what each kind is, and a word its reply must hold. */
    enum Bad {
        WEAK_KEY("1024"), WRONG_CN("they must be the same"), DAMAGED_CSR("cannot be read"), NO_CSR("held no certificate signing request"),
        SHA1("SHA-1");

        final String replySays;

        Bad(String replySays) {
            this.replySays = replySays;
        }
    }

    static Bad badness(int i) {
        return i % 10 == 9 ? Bad.values()[(i / 10) % Bad.values().length] : null;
    }

    @Test
    void aThousandMailsAtOnceWithOneInTenBadAreAllAnsweredRightly() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "load");
        properties.put("logging.level.io.certdesk", "WARN");
        KeyPair good = TestCsrs.p384();
        KeyPair weak = TestCsrs.rsa(1024);
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            long start = System.nanoTime();
            new Mailbox("127.0.0.1", smtp, imap).sendMany(MAILS, "load.test", LoadIT::text, i -> csr(i, good, weak));
            var greenMail = certdesk.bean(EmbeddedMailServer.class).greenMail();
            List<MimeMessage> replies = List.of();
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < deadline) {
                replies = List.of(greenMail.getReceivedMessagesForDomain("load.test"));
                if (replies.size() >= MAILS) {
                    break;
                }
                Thread.sleep(500);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("LoadIT: %d mails (10%% bad) sent and all answered in %.1f s%n", MAILS, seconds);
            Thread.sleep(1000);
            replies = List.of(greenMail.getReceivedMessagesForDomain("load.test"));

            Map<String, MimeMessage> byRecipient = new HashMap<>();
            for (MimeMessage reply : replies) {
                String to = ((InternetAddress) reply.getRecipients(Message.RecipientType.TO)[0]).getAddress();
                assertThat(byRecipient.put(to, reply)).as("a second answer to " + to).isNull();
            }
            assertThat(byRecipient).as("one answer to every sender").hasSize(MAILS);
            for (int i = 0; i < MAILS; i++) {
                MimeMessage reply = byRecipient.get("client-" + i + "@load.test");
                Bad bad = badness(i);
                String text = text(reply);
                if (bad == null) {
                    assertThat(reply.getSubject()).as("client " + i).contains("received");
                } else {
                    assertThat(text).as("client " + i + ", " + bad).contains(bad.replySays);
                    assertThat(reply.getSubject()).as("client " + i).doesNotContain("received");
                }
            }
            JdbcClient jdbc = certdesk.bean(JdbcClient.class);
            assertThat(certdesk.bean(TaskService.class).createTaskQuery().taskDefinitionKey("UserTask_ApproveRequest").count())
                    .isEqualTo(MAILS * 9 / 10);
            assertThat(jdbc.sql("select count(*) from issued_certificate where purpose = 'CLIENT'").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from intake_mail").query(Long.class).single()).isEqualTo(MAILS);
        }
    }

    private static String text(MimeMessage message) throws Exception {
        Object content = message.getContent();
        if (content instanceof String s) {
            return s;
        }
        MimeMultipart multipart = (MimeMultipart) content;
        return String.valueOf(multipart.getBodyPart(0).getContent());
    }

    private static String text(int i) {
        return badness(i) == Bad.NO_CSR ? "Hello, how do I get a certificate?"
                : "Organization ID: load-" + i + "\nCompany: Load BV\nEnvironment: qa\n";
    }

    private static byte[] csr(int i, KeyPair good, KeyPair weak) {
        Bad bad = badness(i);
        String subject = "C=NL,O=Load BV,CN=" + (bad == Bad.WRONG_CN ? "someone-else" : "load-" + i);
        if (bad == null) {
            return TestCsrs.pem(TestCsrs.csr(subject, good)).getBytes();
        }
        return switch (bad) {
            case NO_CSR -> null;
            case WEAK_KEY -> TestCsrs.pem(TestCsrs.csr(subject, weak)).getBytes();
            case SHA1 -> TestCsrs.pem(TestCsrs.csr(subject, TestCsrs.rsa2048(), "SHA1withRSA")).getBytes();
            case DAMAGED_CSR -> "-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjANBgkqhkiG9w0BAQEF\n-----END CERTIFICATE REQUEST-----\n".getBytes();
            case WRONG_CN -> TestCsrs.pem(TestCsrs.csr(subject, good)).getBytes();
        };
    }
}
