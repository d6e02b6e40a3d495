package io.certdesk.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Dovecot IMAP server for a test: Debian's {@code dovecot}, started on free loopback ports in a temporary
 * directory with a throw-away CA and server certificate (trusted by pointing certdesk at {@link #caFile()}, never
 * by trusting all). IMAPS for certdesk, plain IMAP on loopback for the test's own client, every user's password
 * {@code certdesk}, maildirs under the directory, owned by the {@code mail} user. Without the binary the test is
 * skipped, saying why; with {@code CI} set it fails.
 */
public final class Dovecot implements AutoCloseable {

    public static final String PASSWORD = "certdesk";

    private final Path dir;
    private final int imapsPort = Ports.free();
    private final int imapPort = Ports.free();
    private final int authPort = Ports.free();
    private Process process;

    private Dovecot(Path dir) {
        this.dir = dir;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/dovecot"));
    }

    public static Dovecot start(Path dir) throws Exception {
        if (!available()) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("dovecot is not installed (Debian package dovecot-imapd): .ci/run installs it");
            }
            Assumptions.assumeTrue(false, "dovecot is not installed (Debian package dovecot-imapd): the real IMAP server tests are skipped");
        }
        Dovecot dovecot = new Dovecot(dir);
        dovecot.configure();
        dovecot.launch();
        return dovecot;
    }

    public int imapsPort() {
        return imapsPort;
    }

    /** Plain IMAP on loopback, for the test's own mail client. */
    public int imapPort() {
        return imapPort;
    }

    /** Dovecot's authentication service (SASL for Postfix), on loopback. */
    public int authPort() {
        return authPort;
    }

    /** The throw-away CA that issued the server certificate: what certdesk is told to trust. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Where user {@code address}'s maildir lives. */
    public Path maildir(String address) {
        return dir.resolve("mail").resolve(address);
    }

    public Path maildirBase() {
        return dir.resolve("mail");
    }

    /** The {@code mail} user's uid, who owns the maildirs. */
    public static String mailUid() {
        return "8";
    }

    private void configure() throws Exception {
        Files.createDirectories(dir);
        // Dovecot's unprivileged processes walk into the directory
        for (Path p = dir; p != null && p.startsWith(dir.getRoot().resolve("tmp")) && !p.equals(dir.getRoot().resolve("tmp")); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(dir.resolve("mail"));
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("state"));
        new ProcessBuilder("chown", "mail:mail", dir.resolve("mail").toString()).inheritIO().start().waitFor();
        throwAwayCertificates();
        Files.writeString(dir.resolve("dovecot.conf"), """
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                protocols = imap
                listen = 127.0.0.1
                ssl = yes
                ssl_cert = <%1$s/server.pem
                ssl_key = <%1$s/server-key.pem
                disable_plaintext_auth = no
                default_login_user = dovenull
                default_internal_user = dovecot
                first_valid_uid = 8
                mail_location = maildir:%1$s/mail/%%u
                auth_mechanisms = plain login
                passdb {
                  driver = static
                  args = password=%5$s
                }
                userdb {
                  driver = static
                  args = uid=mail gid=mail home=%1$s/mail/%%u
                }
                protocol imap {
                  mail_max_userip_connections = 200
                }
                service imap-login {
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %3$d
                  }
                  inet_listener imaps {
                    address = 127.0.0.1
                    port = %2$d
                    ssl = yes
                  }
                }
                service auth {
                  inet_listener {
                    address = 127.0.0.1
                    port = %4$d
                  }
                }
                """.formatted(dir, imapsPort, imapPort, authPort, PASSWORD));
    }

    private void launch() throws Exception {
        process = new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", dir.resolve("dovecot.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        Polling.until(Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("dovecot stopped: " + Files.readString(dir.resolve("dovecot.out"))
                        + (Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : ""));
            }
            return listening(imapsPort) && listening(imapPort);
        }, () -> new IllegalStateException("dovecot did not listen within 20 s"));
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops Dovecot (SIGTERM to its master, which ends every connection) and waits until it is gone. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Polling.until(Duration.ofSeconds(10), Duration.ofMillis(50), () -> !listening(imapsPort) && !listening(imapPort),
                Boolean.TRUE::equals, stillListening -> null);
    }

    /** Stops and starts Dovecot again on the same ports, keeping every mailbox. */
    public void restart() throws Exception {
        stop();
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private Store connect(String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", imapPort, address, PASSWORD);
        return store;
    }

    /** Puts {@code raw} into {@code address}'s INBOX, as the mail server's delivery would. */
    public void deliver(String address, byte[] raw) throws Exception {
        Store store = connect(address);
        try {
            Folder inbox = store.getFolder("INBOX");
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            inbox.appendMessages(new Message[]{message});
        } finally {
            store.close();
        }
    }

    /** How many mails (not marked deleted) {@code address}'s folder holds; 0 for a folder that does not exist. */
    public int count(String address, String folderName) throws Exception {
        Store store = connect(address);
        try {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_ONLY);
            int n = 0;
            for (Message message : folder.getMessages()) {
                if (!message.isSet(Flags.Flag.DELETED)) {
                    n++;
                }
            }
            folder.close(false);
            return n;
        } finally {
            store.close();
        }
    }

    /** The names of the folders of {@code address}'s mailbox. */
    public List<String> folders(String address) throws Exception {
        Store store = connect(address);
        try {
            return Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
        } finally {
            store.close();
        }
    }

    private void throwAwayCertificates() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=throw-away mail test CA");
        JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(300)), Date.from(now.plus(Duration.ofDays(2))), caName, caKeys.getPublic());
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCertificate = new JcaX509CertificateConverter().getCertificate(
                ca.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCertificate, BigInteger.valueOf(now.toEpochMilli() + 1),
                Date.from(now.minusSeconds(300)), Date.from(now.plus(Duration.ofDays(2))), new X500Name("CN=localhost"),
                serverKeys.getPublic());
        server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate serverCertificate = new JcaX509CertificateConverter().getCertificate(
                server.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        write(dir.resolve("ca.pem"), caCertificate);
        write(dir.resolve("server.pem"), serverCertificate, caCertificate);
        Files.writeString(dir.resolve("server-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(serverKeys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static void write(Path file, Object... objects) throws IOException {
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(file))) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        }
    }
}
