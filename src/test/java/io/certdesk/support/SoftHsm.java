package io.certdesk.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.certdesk.authority.Pkcs11Settings;
import org.junit.jupiter.api.Assumptions;

/**
 * Tokens in a real PKCS#11 module, SoftHSM2, made with its own tools ({@code softhsm2-util}, opensc's
 * {@code pkcs11-tool}).
 * <p>
 * SunPKCS11 loads SoftHSM into the test JVM, and SoftHSM reads {@code SOFTHSM2_CONF} and lists its tokens once,
 * when the JVM first uses it; a JVM cannot set its own environment. So failsafe sets {@code SOFTHSM2_CONF} for the
 * test JVM (pom.xml), and {@link #tokens} writes that file and every token of the run before the first use. Without
 * SoftHSM the tests are skipped, saying why; with {@code CI} set they fail instead.
 */
public final class SoftHsm {

    public static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
    public static final String SO_PIN = "12345678";

    private static Map<String, String> pins;

    private SoftHsm() {
    }

    /** Makes these tokens (label to user PIN), once per JVM, in a fresh token directory; skips if SoftHSM is absent. */
    public static synchronized void tokens(Map<String, String> labelsAndPins) {
        String missing = missing();
        if (missing != null) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(missing);
            }
            Assumptions.abort(missing);
        }
        if (pins != null) {
            if (!pins.keySet().containsAll(labelsAndPins.keySet())) {
                throw new IllegalStateException("SoftHSM tokens are made once per JVM, before its first use: have "
                        + pins.keySet() + ", asked for " + labelsAndPins.keySet());
            }
            return;
        }
        Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
        Path tokenDir = conf.resolveSibling("tokens");
        try {
            if (Files.exists(tokenDir)) {
                try (var files = Files.walk(tokenDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(tokenDir);
            Files.writeString(conf, "directories.tokendir = " + tokenDir.toAbsolutePath() + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\nslots.removable = false\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        labelsAndPins.forEach((label, pin) -> run("softhsm2-util --init-token --free --label " + label + " --so-pin " + SO_PIN + " --pin " + pin));
        pins = new LinkedHashMap<>(labelsAndPins);
    }

    /** The token's directory under the SoftHSM token directory, found by its label. */
    public static Path tokenDirectory(String label) {
        Path tokenDir = Path.of(System.getenv("SOFTHSM2_CONF")).resolveSibling("tokens");
        try (var dirs = Files.list(tokenDir)) {
            for (Path dir : dirs.toList()) {
                Path token = dir.resolve("token.object");
                if (Files.exists(token) && new String(Files.readAllBytes(token), StandardCharsets.ISO_8859_1).contains(label)) {
                    return dir;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no SoftHSM token labelled " + label);
    }

    public static Pkcs11Settings settings(String tokenLabel, String keyLabel) {
        return new Pkcs11Settings(MODULE, tokenLabel, null, keyLabel, pins.get(tokenLabel), null);
    }

    /** Runs a token tool that must succeed (before the JVM's first PKCS#11 use, for anything that adds tokens). */
    public static String run(String commandLine) {
        Openssl.Result result = Openssl.run(Path.of("."), commandLine);
        if (result.exitCode() != 0) {
            throw new AssertionError("`" + commandLine + "` failed with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    public static String pkcs11Tool(String token, String arguments) {
        return run("pkcs11-tool --module " + MODULE + " --token-label " + token + " --login --pin " + pins.get(token) + " " + arguments);
    }

    /** Whether SoftHSM2, its tools and SOFTHSM2_CONF are there. */
    public static boolean available() {
        return missing() == null;
    }

    private static String missing() {
        if (!Files.exists(Path.of(MODULE))) {
            return "SoftHSM2 is not installed (" + MODULE + " missing; Debian: apt-get install softhsm2 opensc): the PKCS#11 tests are skipped";
        }
        if (Openssl.run(Path.of("."), "command -v softhsm2-util && command -v pkcs11-tool").exitCode() != 0) {
            return "softhsm2-util or pkcs11-tool (opensc) is not on the PATH: the PKCS#11 tests are skipped";
        }
        if (System.getenv("SOFTHSM2_CONF") == null) {
            return "SOFTHSM2_CONF is not set: run the PKCS#11 tests through failsafe (mvn verify), which sets it";
        }
        return null;
    }
}
