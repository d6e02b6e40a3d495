package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code certdesk.intake.quarantine-folder} set, mail that carried or may carry a private key is kept there,
 * and only there, for the operator, instead of being deleted.
 */
class QuarantineIT {

    @TempDir
    Path data;

    @Test
    void mailThatCarriedOrMayCarryAKeyIsKeptOnlyInTheQuarantineFolder() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "quarantine");
        properties.put("certdesk.intake.quarantine-folder", "Quarantine");
        properties.put("certdesk.intake.max-mail-size", "64KB");
        String key = TestCsrs.privateKeyPem(TestCsrs.ec("secp256r1"));
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            String leak = "leak@quarantine.test";
            mailbox.send(Mailbox.from(leak).body("Organization ID: quarantine-1\n").attach("client-key.pem", key.getBytes()));
            String large = "large@quarantine.test";
            mailbox.sendRaw("From: " + large + "\r\nTo: support@certdesk.local\r\nSubject: big\r\nMessage-ID: <" + UUID.randomUUID()
                    + "@quarantine.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nOrganization ID: quarantine-1\r\n"
                    + key.replace("\n", "\r\n") + Base64.getMimeEncoder().encodeToString(new byte[100 * 1024]) + "\r\n");

            assertThat(mailbox.awaitOne(leak).subject()).contains("SECURITY");
            assertThat(mailbox.awaitOne(large).text()).contains("was not read");
            for (String sender : List.of(leak, large)) {
                List<Mailbox.Stored> stored = awaitOutOfInbox(mailbox, sender);
                assertThat(stored).as("kept for the operator in the quarantine folder only").hasSize(1)
                        .allMatch(s -> s.folder().equals("Quarantine"));
            }
        }
    }

    private static List<Mailbox.Stored> awaitOutOfInbox(Mailbox mailbox, String sender) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Mailbox.Stored> stored = mailbox.everyFolder(Mailbox.SUPPORT, sender);
        while (stored.stream().anyMatch(s -> s.folder().equals("INBOX")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            stored = mailbox.everyFolder(Mailbox.SUPPORT, sender);
        }
        return stored;
    }
}
