package io.certdesk.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Forged senders spread over many addresses of one domain still get only {@code max-per-domain} replies, and the
 * replies held back do not make each later decision slower.
 */
class ReplyLimitsIT {

    @TempDir
    Path data;

    @Test
    void manyAddressesOfOneDomainGetNoMoreRepliesThanTheDomainLimit() throws Exception {
        int smtp = Ports.free();
        int imap = Ports.free();
        Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
        Map<String, Object> properties = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
        properties.put("camunda.bpm.process-engine-name", "reply-limits");
        properties.put("certdesk.auto-replies.max-per-domain", 3);
        int mails = 6;
        try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(properties)) {
            for (int i = 0; i < mails; i++) {
                mailbox.send(Mailbox.from("someone-" + i + "@victim.test").subject("question " + i).body("Hello, how do I get a certificate?"));
            }
            JdbcClient jdbc = certdesk.bean(JdbcClient.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && jdbc.sql("select count(*) from auto_reply where recipient_domain = 'victim.test'")
                    .query(Long.class).single() < mails) {
                Thread.sleep(200);
            }
            Thread.sleep(1000);
            int received = 0;
            for (int i = 0; i < mails; i++) {
                received += mailbox.read("someone-" + i + "@victim.test", "INBOX").size();
            }
            assertThat(received).as("replies to the domain").isEqualTo(3);
            assertThat(jdbc.sql("select count(*) from auto_reply where recipient_domain = 'victim.test' and throttled = true and reason = 'DOMAIN_LIMIT'")
                    .query(Long.class).single()).isEqualTo(mails - 3);
            assertThat(jdbc.sql("select count(*) from certificate_request where sender_email like '%@victim.test'")
                    .query(Long.class).single()).as("every mail taken in").isEqualTo(mails);

            // the next decision counts the replies sent to the domain, not every held-back one of the flood
            String plan = jdbc.sql("explain analyze select count(*) from auto_reply where recipient_domain = ? and decided_at > ? and throttled = false")
                    .params("victim.test", Timestamp.from(Instant.now().minus(Duration.ofHours(1)))).query(String.class).single();
            Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(plan);
            assertThat(scanned.find()).as(plan).isTrue();
            assertThat(Integer.parseInt(scanned.group(1))).as("rows read: " + plan).isLessThanOrEqualTo(3 + 1);
        }
    }
}
