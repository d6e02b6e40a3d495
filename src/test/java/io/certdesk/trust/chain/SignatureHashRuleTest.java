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

class SignatureHashRuleTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("client certificate signed with SHA-384", clientCertificate().build(), 0, List.of()),
                Arguments.of("client certificate signed with SHA-256", clientCertificate().signedWith("SHA256withECDSA").build(), 0, List.of()),
                Arguments.of("client certificate signed with SHA-1", clientCertificate().signedWith("SHA1withECDSA").build(), 0,
                        List.of("\"CN=Partner Client\" is signed with SHA1withECDSA; SHA-1 and MD5 are not accepted.")),
                Arguments.of("self-signed client certificate signed with MD5",
                        clientCertificate().keys(TestCsrs.rsa2048()).selfSigned("MD5withRSA").build(), 0,
                        List.of("\"CN=Partner Client\" is signed with MD5withRSA; SHA-1 and MD5 are not accepted.")),
                Arguments.of("intermediate CA signed with SHA-1", ca(0).signedWith("SHA1withECDSA").build(), 1,
                        List.of("\"CN=Partner CA\" is signed with SHA1withECDSA; SHA-1 and MD5 are not accepted.")),
                Arguments.of("self-signed root signed with SHA-1", ca(1).selfSigned("SHA1withECDSA").build(), 2, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void noCertificateBelowTheRootIsSignedWithSha1OrMd5(String what, X509Certificate certificate, int depth, List<String> expected) {
        assertThat(problems(new SignatureHashRule(), certificate, depth)).isEqualTo(expected);
    }
}
