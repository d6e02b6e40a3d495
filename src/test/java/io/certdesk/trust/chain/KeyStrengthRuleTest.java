package io.certdesk.trust.chain;

import static io.certdesk.trust.chain.ChainCertificates.ca;
import static io.certdesk.trust.chain.ChainCertificates.clientCertificate;
import static io.certdesk.trust.chain.ChainCertificates.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

import io.certdesk.support.TestCsrs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyStrengthRuleTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("EC P-384 client certificate", clientCertificate().build(), 0, List.of()),
                Arguments.of("EC P-256 client certificate", clientCertificate().keys(TestCsrs.ec("secp256r1")).build(), 0, List.of()),
                Arguments.of("EC P-521 client certificate", clientCertificate().keys(TestCsrs.ec("secp521r1")).build(), 0,
                        List.of("\"CN=Partner Client\" has an EC key on a curve that is not accepted.")),
                Arguments.of("EC brainpoolP256r1 client certificate (256 bits, not P-256)", clientCertificate().keys(TestCsrs.bouncyCastleEc("brainpoolP256r1")).build(), 0,
                        List.of("\"CN=Partner Client\" has an EC key on a curve that is not accepted.")),
                Arguments.of("EC secp256k1 client certificate", clientCertificate().keys(TestCsrs.bouncyCastleEc("secp256k1")).build(), 0,
                        List.of("\"CN=Partner Client\" has an EC key on a curve that is not accepted.")),
                Arguments.of("RSA 2048 client certificate", clientCertificate().keys(TestCsrs.rsa2048()).build(), 0, List.of()),
                Arguments.of("RSA 1024 client certificate", clientCertificate().keys(TestCsrs.rsa(1024)).build(), 0,
                        List.of("\"CN=Partner Client\" has an RSA key of 1024 bits; at least 2048 are required.")),
                Arguments.of("RSA 1024 CA", ca(0).keys(TestCsrs.rsa(1024)).build(), 1,
                        List.of("\"CN=Partner CA\" has an RSA key of 1024 bits; at least 2048 are required.")),
                Arguments.of("EC P-521 root", ca(1).keys(TestCsrs.ec("secp521r1")).selfSigned("SHA512withECDSA").build(), 2,
                        List.of("\"CN=Partner CA\" has an EC key on a curve that is not accepted.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyKeyOfThePathIsStrongEnough(String what, X509Certificate certificate, int depth, List<String> expected) {
        assertThat(problems(new KeyStrengthRule(), certificate, depth)).isEqualTo(expected);
    }
}
