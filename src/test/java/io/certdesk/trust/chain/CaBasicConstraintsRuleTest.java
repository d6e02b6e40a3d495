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

class CaBasicConstraintsRuleTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("CA issuing the client certificate", ca(0).build(), 1, List.of()),
                Arguments.of("CA with pathlen 1 above one intermediate", ca(1).build(), 2, List.of()),
                Arguments.of("CA without pathlen above two intermediates", ca(Integer.MAX_VALUE).build(), 3, List.of()),
                Arguments.of("CA with pathlen 0 above an intermediate", ca(0).build(), 2,
                        List.of("\"CN=Partner CA\" allows 0 CA(s) below it (pathlen) but has 1.")),
                Arguments.of("CA with pathlen 1 above two intermediates", ca(1).build(), 3,
                        List.of("\"CN=Partner CA\" allows 1 CA(s) below it (pathlen) but has 2.")),
                Arguments.of("issuer with CA:FALSE", ca(0).notCa().build(), 1,
                        List.of("\"CN=Partner CA\" signs other certificates but is not a CA (basicConstraints CA:FALSE or missing).")),
                Arguments.of("issuer without basicConstraints", ca(0).noBasicConstraints().build(), 1,
                        List.of("\"CN=Partner CA\" signs other certificates but is not a CA (basicConstraints CA:FALSE or missing).")),
                Arguments.of("the client certificate itself", clientCertificate().build(), 0, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aCaOnThePathIsACaWhosePathLengthAllowsTheCasBelowIt(String what, X509Certificate certificate, int depth,
                                                               List<String> expected) {
        assertThat(problems(new CaBasicConstraintsRule(), certificate, depth)).isEqualTo(expected);
    }
}
