package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.certdesk.support.Openssl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every key the README names, made with the openssl command line as a client makes it, through the policy:
 * accepted are RSA 2048 to 8192 and EC P-256 and P-384; refused RSA 1024, P-521, secp256k1 and Ed25519, each with its code.
 * Keys are made once and kept in target/openssl-keys (an 8192-bit RSA key takes openssl 10 to 20 seconds).
 */
class OpensslKeyTypesIT {

    static final Path KEYS = Path.of("target", "openssl-keys");
    static final String SUBJ = "-subj \"/C=NL/O=ACME BV/OU=API Client/CN=acme-42\"";

    private final RequestPolicy policy = new RequestPolicy(PolicySettings.defaults(Set.of("qa", "production")));

    @TempDir
    Path client;

    @BeforeAll
    static void needsOpenssl() throws Exception {
        Openssl.assumeAvailable();
        Files.createDirectories(KEYS);
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("RSA 2048", "openssl genrsa -out %s 2048", List.of(), "RSA 2048"),
                Arguments.of("RSA 3072", "openssl genrsa -out %s 3072", List.of(), "RSA 3072"),
                Arguments.of("RSA 4096", "openssl genrsa -out %s 4096", List.of(), "RSA 4096"),
                Arguments.of("RSA 8192", "openssl genrsa -out %s 8192", List.of(), "RSA 8192"),
                Arguments.of("EC P-256", "openssl ecparam -genkey -name prime256v1 -noout -out %s", List.of(), "EC P-256 (256 bits)"),
                Arguments.of("EC P-384", "openssl ecparam -genkey -name secp384r1 -noout -out %s", List.of(), "EC P-384 (384 bits)"),
                Arguments.of("RSA 1024", "openssl genrsa -out %s 1024", List.of("KEY_TOO_SMALL"), "RSA 1024"),
                Arguments.of("EC P-521", "openssl ecparam -genkey -name secp521r1 -noout -out %s", List.of("KEY_CURVE_NOT_ALLOWED"),
                        "EC P-521 (521 bits)"),
                Arguments.of("EC secp256k1", "openssl ecparam -genkey -name secp256k1 -noout -out %s", List.of("KEY_CURVE_NOT_ALLOWED"),
                        "EC secp256k1 (256 bits)"),
                Arguments.of("Ed25519", "openssl genpkey -algorithm ed25519 -out %s", List.of("KEY_ALGORITHM_NOT_ALLOWED"), "Ed25519"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void acceptsExactlyTheKeysTheReadmeLists(String name, String keyCommand, List<String> expected, String description) throws Exception {
        Path key = key(name, keyCommand);
        Openssl.ok(client, "openssl req -new -key " + key.toAbsolutePath() + " -out client.csr " + SUBJ);
        CsrFacts facts = CsrFacts.read(Files.readAllBytes(client.resolve("client.csr")));
        assertThat(facts.keyDescription()).isEqualTo(description);
        List<PolicyFinding> errors = policy.evaluate(facts, RequestPolicyTest.claims("acme-42", "production")).stream()
                .filter(PolicyFinding::isError).toList();
        assertThat(errors).extracting(PolicyFinding::code).containsExactlyElementsOf(expected);
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).contains("Accepted keys: RSA 2048 to 8192 bits, or EC on P-256, P-384."));
    }

    @Test
    void acceptsAConfiguredCurveByAnyOfItsNames() throws Exception {
        Path p256 = key("EC P-256", "openssl ecparam -genkey -name prime256v1 -noout -out %s");
        Openssl.ok(client, "openssl req -new -key " + p256.toAbsolutePath() + " -out client.csr " + SUBJ);
        CsrFacts facts = CsrFacts.read(Files.readAllBytes(client.resolve("client.csr")));
        for (String name : List.of("secp256r1", "prime256v1", "P-256", "1.2.840.10045.3.1.7")) {
            PolicySettings settings = new PolicySettings(2048, 8192, List.of(name), true, true, List.of("API Client"), 64,
                    Set.of("production"));
            assertThat(new RequestPolicy(settings).evaluate(facts, RequestPolicyTest.claims("acme-42", "production")))
                    .as(name).noneMatch(PolicyFinding::isError);
        }
        PolicySettings p384Only = new PolicySettings(2048, 8192, List.of("secp384r1"), true, true, List.of("API Client"), 64,
                Set.of("production"));
        assertThat(new RequestPolicy(p384Only).evaluate(facts, RequestPolicyTest.claims("acme-42", "production")))
                .extracting(PolicyFinding::code).containsExactly("KEY_CURVE_NOT_ALLOWED");
    }

    @Test
    void refusesToStartWithACurveItDoesNotKnow() {
        assertThatThrownBy(() -> new PolicySettings(2048, 8192, List.of("secp256r2"), true, true, List.of("API Client"), 64,
                Set.of("production"))).hasMessageContaining("unknown curve \"secp256r2\"");
    }

    /** The key for a case, made once by the client's openssl command and kept for later runs. */
    private static synchronized Path key(String name, String command) {
        Path key = KEYS.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".key");
        if (!Files.exists(key)) {
            Path partial = KEYS.resolve(key.getFileName() + ".partial");
            Openssl.Result made = Openssl.run(KEYS, String.format(command, partial.getFileName()), Duration.ofMinutes(5));
            assertThat(made.exitCode()).as(made.output()).isZero();
            try {
                Files.move(partial, key, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return key;
    }
}
