package io.certdesk.trust.chain;

import static io.certdesk.trust.chain.ChainCertificates.ca;
import static io.certdesk.trust.chain.ChainCertificates.clientCertificate;
import static io.certdesk.trust.chain.ChainCertificates.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SelfSignedClientCertificateRuleTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("client certificate issued by a CA", clientCertificate().build(), 0, List.of()),
                Arguments.of("self-signed client certificate", clientCertificate().selfSigned("SHA384withECDSA").build(), 0,
                        List.of("The client certificate \"CN=Partner Client\" is self-signed: it must be issued by a CA.")),
                Arguments.of("self-signed root CA", ca(1).selfSigned("SHA384withECDSA").build(), 2, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesASelfSignedClientCertificate(String what, X509Certificate certificate, int depth, List<String> expected) {
        assertThat(problems(new SelfSignedClientCertificateRule(), certificate, depth)).isEqualTo(expected);
    }
}
