package io.certdesk.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenLDAP server (Debian's {@code slapd}) for the directory tests: its own configuration and database in a
 * temporary directory, on a free loopback port, loaded from an LDIF. Skipped with a message when slapd is not
 * installed ({@code apt-get install slapd ldap-utils}); with {@code CI} set the test fails instead.
 */
public final class Slapd implements AutoCloseable {

    public static final String BASE = "dc=certdesk,dc=test";
    public static final String ADMIN_DN = "cn=admin," + BASE;
    public static final String ADMIN_PASSWORD = "directory-admin-secret";
    private static final Path SLAPD = Path.of("/usr/sbin/slapd");
    private static final Path SLAPADD = Path.of("/usr/sbin/slapadd");
    private static final Path LDAPMODIFY = Path.of("/usr/bin/ldapmodify");

    private final Path dir;
    private final int port;
    private Process process;

    private Slapd(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts slapd with the base entry and {@code ldif}'s entries. */
    public static Slapd start(String ldif) throws Exception {
        for (Path binary : List.of(SLAPD, SLAPADD, LDAPMODIFY)) {
            if (!Files.isExecutable(binary)) {
                String missing = binary + " is not installed (apt-get install slapd ldap-utils): directory test skipped";
                if (System.getenv("CI") != null) {
                    throw new AssertionError(missing);
                }
                Assumptions.abort(missing);
            }
        }
        Path dir = Files.createTempDirectory("certdesk-slapd-");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("slapd.conf"), """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                modulepath /usr/lib/ldap
                moduleload back_mdb
                pidfile %1$s/slapd.pid
                database mdb
                suffix "%2$s"
                rootdn "%3$s"
                rootpw %4$s
                directory %1$s/data
                maxsize 10485760
                access to attrs=userPassword by self write by anonymous auth by * none
                access to * by * read
                """.formatted(dir, BASE, ADMIN_DN, ADMIN_PASSWORD));
        Files.writeString(dir.resolve("init.ldif"), """
                dn: %s
                objectClass: dcObject
                objectClass: organization
                o: certdesk
                dc: certdesk

                """.formatted(BASE) + ldif);
        run(List.of(SLAPADD.toString(), "-f", dir.resolve("slapd.conf").toString(), "-l", dir.resolve("init.ldif").toString()));
        Slapd slapd = new Slapd(dir, Ports.free());
        slapd.startServer();
        return slapd;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** Applies an LDIF change (e.g. {@code changetype: modify}) as the directory's administrator. */
    public void modify(String ldif) throws Exception {
        Path change = Files.createTempFile(dir, "change-", ".ldif");
        Files.writeString(change, ldif);
        run(List.of(LDAPMODIFY.toString(), "-x", "-H", url(), "-D", ADMIN_DN, "-w", ADMIN_PASSWORD, "-f", change.toString()));
    }

    /** Stops the server, keeping its data, as an outage would. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    /** Starts it again on the same port with the same data. */
    public void startServer() throws Exception {
        process = new ProcessBuilder(SLAPD.toString(), "-d", "0", "-f", dir.resolve("slapd.conf").toString(), "-h", url() + "/")
                .redirectErrorStream(true).redirectOutput(dir.resolve("slapd.log").toFile()).start();
        Polling.until(Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("slapd exited: " + Files.readString(dir.resolve("slapd.log")));
                }
                return false;
            }
        }, () -> new IllegalStateException("slapd did not listen on " + url() + " within 20 s"));
    }

    @Override
    public void close() throws Exception {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
