package io.certdesk.trust.chain;

import static io.certdesk.trust.chain.ChainCertificates.ca;
import static io.certdesk.trust.chain.ChainCertificates.clientCertificate;
import static io.certdesk.trust.chain.ChainCertificates.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyCertSignRuleTest {

    private static final String REFUSED = "\"CN=Partner CA\" may not sign certificates (key usage lacks keyCertSign).";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("keyCertSign and cRLSign", ca(0).build(), 1, List.of()),
                Arguments.of("no key usage at all", ca(0).keyUsage(null).build(), 1, List.of()),
                Arguments.of("cRLSign only", ca(0).keyUsage(KeyUsage.cRLSign).build(), 1, List.of(REFUSED)),
                Arguments.of("digitalSignature only", ca(0).keyUsage(KeyUsage.digitalSignature).build(), 1, List.of(REFUSED)),
                Arguments.of("the client certificate, digitalSignature only", clientCertificate().build(), 0, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aCaWithAKeyUsageMaySignCertificates(String what, X509Certificate certificate, int depth, List<String> expected) {
        assertThat(problems(new KeyCertSignRule(), certificate, depth)).isEqualTo(expected);
    }
}
