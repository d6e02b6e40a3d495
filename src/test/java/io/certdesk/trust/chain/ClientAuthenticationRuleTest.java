package io.certdesk.trust.chain;

import static io.certdesk.trust.chain.ChainCertificates.ca;
import static io.certdesk.trust.chain.ChainCertificates.clientCertificate;
import static io.certdesk.trust.chain.ChainCertificates.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientAuthenticationRuleTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("clientAuth", clientCertificate().build(), 0, List.of()),
                Arguments.of("serverAuth only", clientCertificate().purpose(KeyPurposeId.id_kp_serverAuth).build(), 0,
                        List.of("The client certificate \"CN=Partner Client\" is not for client authentication (its extended key "
                                + "usage lacks clientAuth; issue it with extendedKeyUsage clientAuth).")),
                Arguments.of("no extended key usage", clientCertificate().purpose(null).build(), 0,
                        List.of("The client certificate \"CN=Partner Client\" is not for client authentication (it has no "
                                + "extended key usage; issue it with extendedKeyUsage clientAuth).")),
                Arguments.of("a CA without extended key usage", ca(0).build(), 1, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theClientCertificateIsMeantForClientAuthentication(String what, X509Certificate certificate, int depth, List<String> expected) {
        assertThat(problems(new ClientAuthenticationRule(), certificate, depth)).isEqualTo(expected);
    }
}
