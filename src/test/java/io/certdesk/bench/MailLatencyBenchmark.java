package io.certdesk.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.icegreen.greenmail.util.GreenMail;
import io.certdesk.intake.EmbeddedMailServer;
import io.certdesk.support.Mailbox;
import io.certdesk.support.Ports;
import io.certdesk.support.StandaloneCertdesk;

/**
 * Mail-to-acknowledgement time: from a mail's arrival in the support inbox to certdesk's acknowledgement reaching
 * its sender, one mail at a time, with the inbox pushed by IMAP IDLE and, for comparison, polled every 2 s
 * (certdesk's default poll interval). Part of {@code mvn -Pbench verify} ({@link PipelineBenchmark}); alone:
 * {@code java -cp <test classpath> io.certdesk.bench.MailLatencyBenchmark [mails]}.
 */
public final class MailLatencyBenchmark {

    private MailLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 30);
        System.exit(0);
    }

    static void run(int mails) throws Exception {
        for (boolean idle : new boolean[]{true, false}) {
            Path data = Files.createTempDirectory("certdesk-bench-latency");
            int smtp = Ports.free();
            int imap = Ports.free();
            Map<String, Object> p = StandaloneCertdesk.embeddedProperties(data, smtp, imap);
            p.put("certdesk.intake.poll-interval", "2s");
            p.put("certdesk.intake.idle", idle);
            p.put("camunda.bpm.process-engine-name", "latency-" + UUID.randomUUID().toString().substring(0, 6));
            p.put("logging.level.root", "WARN");
            try (StandaloneCertdesk certdesk = StandaloneCertdesk.start(p)) {
                GreenMail greenMail = certdesk.bean(EmbeddedMailServer.class).greenMail();
                Mailbox mailbox = new Mailbox("127.0.0.1", smtp, imap);
                Thread.sleep(2000);
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < mails + 3; i++) {
                    String sender = "latency-" + i + "@bench.test";
                    mailbox.send(Mailbox.from(sender).subject("How do I get a certificate?").body("Hello"));
                    long arrived = System.nanoTime();
                    while (greenMail.getReceivedMessagesForDomain(sender).length == 0) {
                        if (System.nanoTime() - arrived > Duration.ofSeconds(30).toNanos()) {
                            throw new IllegalStateException("no acknowledgement for " + sender + " within 30 s");
                        }
                        Thread.sleep(2);
                    }
                    if (i >= 3) {
                        times.add((System.nanoTime() - arrived) / 1_000_000);
                    }
                }
                List<Long> sorted = times.stream().sorted().toList();
                System.out.printf(Locale.ROOT, "mail-to-acknowledgement, %s: median %d ms, 90th percentile %d ms, max %d ms (%d mails)%n",
                        idle ? "IMAP IDLE" : "polling every 2 s", sorted.get(sorted.size() / 2),
                        sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1), sorted.get(sorted.size() - 1), sorted.size());
            }
        }
    }
}
