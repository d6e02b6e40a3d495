package io.certdesk.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs the client guides' openssl commands, exactly as written, in a client's working directory. */
public final class Openssl {

    private Openssl() {
    }

    public record Result(int exitCode, String output) {
    }

    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "openssl is not on the PATH: the client-side checks of the guides are skipped");
    }

    public static boolean available() {
        try {
            return run(Path.of("."), "openssl version").exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs a shell command line (pipes allowed) and returns its exit code and combined output. */
    public static Result run(Path dir, String commandLine) {
        return run(dir, commandLine, Duration.ofSeconds(60));
    }

    /** As {@link #run(Path, String)}, for a command that may take longer than a minute (an 8192-bit RSA key). */
    public static Result run(Path dir, String commandLine, Duration timeout) {
        try {
            Process process = new ProcessBuilder("bash", "-o", "pipefail", "-c", commandLine).directory(dir.toFile())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + commandLine);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + commandLine, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed and returns its output. */
    public static String ok(Path dir, String commandLine) {
        Result result = run(dir, commandLine);
        if (result.exitCode() != 0) {
            throw new AssertionError("`" + commandLine + "` failed with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /** The hex digest from {@code openssl dgst -sha256} output ("SHA2-256(stdin)= ab12..."). */
    /**
     * {@code openssl s_client -brief} with a client certificate and its key (written into {@code dir}) against an
     * mTLS listener on loopback: whether the handshake succeeded, as a client checking its set-up sees it.
     */
    public static boolean handshakeSucceeds(Path dir, int port, TestPki.Issued client) {
        String name = "client-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Files.writeString(dir.resolve(name + ".crt"), client.pem());
            Files.writeString(dir.resolve(name + ".key"), TestCsrs.privateKeyPem(client.keys()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run(dir, "openssl s_client -connect 127.0.0.1:" + port + " -servername localhost -cert " + name + ".crt -key "
                + name + ".key -brief < /dev/null 2>&1").output().contains("CONNECTION ESTABLISHED");
    }

    public static String digest(String output) {
        String trimmed = output.trim();
        return trimmed.substring(trimmed.lastIndexOf(' ') + 1);
    }
}
