package io.certdesk.trust.chain;

import static io.certdesk.trust.chain.ChainCertificates.ca;
import static io.certdesk.trust.chain.ChainCertificates.clientCertificate;
import static io.certdesk.trust.chain.ChainCertificates.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValidityRuleTest {

    private static final Instant NOW = ChainCertificates.NOW;
    private static final Instant EXPIRED = NOW.minus(Duration.ofSeconds(1));
    private static final Instant LATER = NOW.plus(Duration.ofDays(1));

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("valid client certificate", clientCertificate().build(), 0, List.of()),
                Arguments.of("client certificate valid until now", clientCertificate().valid(NOW.minus(Duration.ofDays(1)), NOW).build(), 0,
                        List.of()),
                Arguments.of("expired client certificate", clientCertificate().valid(NOW.minus(Duration.ofDays(400)), EXPIRED).build(), 0,
                        List.of("The client certificate \"CN=Partner Client\" expired on 2026-12-03T11:59:59Z.")),
                Arguments.of("client certificate valid only later", clientCertificate().valid(LATER, LATER.plus(Duration.ofDays(300))).build(), 0,
                        List.of("The client certificate \"CN=Partner Client\" is not valid before 2026-12-04T12:00:00Z.")),
                Arguments.of("valid CA", ca(0).build(), 1, List.of()),
                Arguments.of("expired CA", ca(0).valid(NOW.minus(Duration.ofDays(4000)), EXPIRED).build(), 1,
                        List.of("The CA certificate \"CN=Partner CA\" expired on 2026-12-03T11:59:59Z.")),
                Arguments.of("CA valid only later", ca(0).valid(LATER, LATER.plus(Duration.ofDays(4000))).build(), 2,
                        List.of("The CA certificate \"CN=Partner CA\" is not valid before 2026-12-04T12:00:00Z.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCertificateOfThePathIsValidNow(String what, X509Certificate certificate, int depth, List<String> expected) {
        assertThat(problems(new ValidityRule(), certificate, depth)).isEqualTo(expected);
    }
}
