package io.certdesk.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;

/**
 * A private Postfix instance for a test (Debian's {@code postfix}), in a temporary directory with its own
 * configuration, queue and log, on free loopback ports: an SMTP port that takes mail for the test's addresses, and a
 * submission port that requires STARTTLS and SASL authentication (through Dovecot's auth service, any user with
 * Dovecot's password), as an operator's submission server does. Mail for the listed addresses is delivered into
 * {@link Dovecot}'s maildirs, where IMAP reads it. Without the binary the test is skipped, saying why; with
 * {@code CI} set it fails.
 */
public final class Postfix implements AutoCloseable {

    private final Path dir;
    private final Dovecot dovecot;
    private final int smtpPort = Ports.free();
    private final int submissionPort = Ports.free();
    private Process process;

    private Postfix(Path dir, Dovecot dovecot) {
        this.dir = dir;
        this.dovecot = dovecot;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/postfix"));
    }

    /** Starts Postfix delivering mail for {@code addresses} (the domains certdesk.local and acme.test) into Dovecot. */
    public static Postfix start(Path dir, Dovecot dovecot, List<String> addresses) throws Exception {
        if (!available()) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("postfix is not installed (Debian package postfix): .ci/run installs it");
            }
            Assumptions.assumeTrue(false, "postfix is not installed (Debian package postfix): the real SMTP server tests are skipped");
        }
        Postfix postfix = new Postfix(dir, dovecot);
        postfix.configure(addresses);
        postfix.launch();
        return postfix;
    }

    /** Takes mail for the listed addresses from anyone on loopback, as an MX does. */
    public int smtpPort() {
        return smtpPort;
    }

    /** Submission: STARTTLS required, then SASL PLAIN/LOGIN. */
    public int submissionPort() {
        return submissionPort;
    }

    private void configure(List<String> addresses) throws Exception {
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        new ProcessBuilder("chown", "postfix", dir.resolve("data").toString()).inheritIO().start().waitFor();
        Path certificate = dovecot.caFile().resolveSibling("server.pem");
        Path key = dovecot.caFile().resolveSibling("server-key.pem");
        Files.writeString(conf.resolve("main.cf"), """
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                mail_owner = postfix
                setgid_group = postdrop
                myhostname = mx.certdesk.test
                mydomain = certdesk.test
                myorigin = $myhostname
                mydestination =
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                relayhost =
                maillog_file_prefixes = %1$s
                maillog_file = %1$s/postfix.log
                virtual_mailbox_domains = certdesk.local acme.test
                virtual_mailbox_base = %2$s
                virtual_mailbox_maps = texthash:%1$s/conf/mailboxes
                virtual_minimum_uid = 8
                virtual_uid_maps = static:8
                virtual_gid_maps = static:8
                message_size_limit = 52428800
                virtual_mailbox_limit = 0
                smtpd_tls_cert_file = %3$s
                smtpd_tls_key_file = %4$s
                smtpd_tls_security_level = may
                smtp_dns_support_level = disabled
                biff = no
                """.formatted(dir, dovecot.maildirBase(), certificate, key));
        Files.writeString(conf.resolve("mailboxes"), addresses.stream().map(a -> a + " " + a + "/\n").collect(Collectors.joining()));
        String master = Files.readString(Path.of("/etc/postfix/master.cf"))
                .replaceFirst("(?m)^smtp\\s+inet\\s.*$", smtpPort + " inet n - n - - smtpd")
                .replaceFirst("(?m)^#?submission\\s+inet\\s.*$", submissionPort + " inet n - n - - smtpd\n"
                        + "  -o syslog_name=postfix/submission\n"
                        + "  -o smtpd_tls_security_level=encrypt\n"
                        + "  -o smtpd_sasl_auth_enable=yes\n"
                        + "  -o smtpd_sasl_type=dovecot\n"
                        + "  -o smtpd_sasl_path=inet:127.0.0.1:" + dovecot.authPort() + "\n"
                        + "  -o smtpd_tls_auth_only=yes\n"
                        + "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
                        + "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject");
        Files.writeString(conf.resolve("master.cf"), master);
    }

    private void launch() throws Exception {
        process = new ProcessBuilder("/usr/sbin/postfix", "-c", dir.resolve("conf").toString(), "start-fg")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postfix.out").toFile())).start();
        Polling.until(Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("postfix stopped: " + Files.readString(dir.resolve("postfix.out"))
                        + (Files.exists(dir.resolve("postfix.log")) ? Files.readString(dir.resolve("postfix.log")) : ""));
            }
            return listening(smtpPort) && listening(submissionPort);
        }, () -> new IllegalStateException("postfix did not listen within 20 s"));
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops Postfix ({@code postfix stop}); mail it queued stays in its queue for the next start. */
    public void stop() throws Exception {
        new ProcessBuilder("/usr/sbin/postfix", "-c", dir.resolve("conf").toString(), "stop")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postfix.out").toFile()))
                .start().waitFor(20, TimeUnit.SECONDS);
        if (process != null && !process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Polling.until(Duration.ofSeconds(10), Duration.ofMillis(50), () -> !listening(smtpPort) && !listening(submissionPort),
                Boolean.TRUE::equals, stillListening -> null);
    }

    public void start() throws Exception {
        launch();
    }

    /** Postfix's own log, for a failing test's message. */
    public String log() throws IOException {
        Path log = dir.resolve("postfix.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
