package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import io.certdesk.support.TestPki;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientAuthUsageTest {

    private static final TestPki.Issued CA = TestPki.root("CN=Usage Test CA", Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(30)));

    static Stream<Arguments> usages() {
        return Stream.of(
                Arguments.of("clientAuth", KeyPurposeId.id_kp_clientAuth, null),
                Arguments.of("serverAuth only", KeyPurposeId.id_kp_serverAuth,
                        "its extended key usage lacks clientAuth; issue it with extendedKeyUsage clientAuth"),
                Arguments.of("anyExtendedKeyUsage only", KeyPurposeId.anyExtendedKeyUsage,
                        "its extended key usage lacks clientAuth; issue it with extendedKeyUsage clientAuth"),
                Arguments.of("no extended key usage", null,
                        "it has no extended key usage; issue it with extendedKeyUsage clientAuth"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usages")
    void onlyACertificateNamingClientAuthMayAuthenticateAClient(String what, KeyPurposeId purpose, String expected) {
        assertThat(ClientAuthUsage.problem(TestPki.leaf("CN=" + what, CA, purpose).certificate())).isEqualTo(expected);
    }
}
