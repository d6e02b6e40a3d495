package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.certdesk.support.TestCsrs;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestPolicyTest {

    static final String GUIDE_1_SUBJECT = "C=NL,ST=North-Holland,L=Amsterdam,O=ACME BV,OU=API Client,CN=acme-42";
    static final String GUIDE_2_SUBJECT = "C=BR,O=CLIENT_NAME,OU=Production,CN=client-name";

    private final RequestPolicy policy = new RequestPolicy(PolicySettings.defaults(Set.of("qa", "production")));

    static RequestClaims claims(String organizationId, String environment) {
        return new RequestClaims(organizationId, "mail", "ACME BV", "Jane Roe", "jane@acme.test", "jane@acme.test",
                environment, "mail");
    }

    private List<String> errorCodes(PKCS10CertificationRequest csr, RequestClaims claims) {
        return policy.evaluate(CsrFacts.of(csr), claims).stream().filter(PolicyFinding::isError).map(PolicyFinding::code).toList();
    }

    @Test
    void acceptsTheFirstGuidesEcP384Request() {
        assertThat(errorCodes(TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.p384()), claims("acme-42", "production"))).isEmpty();
    }

    @Test
    void acceptsTheSecondGuidesRsa2048RequestWithItsEnvironmentInTheOu() {
        assertThat(errorCodes(TestCsrs.csr(GUIDE_2_SUBJECT, TestCsrs.rsa2048()), claims("client-name", "production"))).isEmpty();
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("signature made by another key", TestCsrs.csrWithForeignSignature(GUIDE_1_SUBJECT),
                        claims("acme-42", "production"), List.of("CSR_SIGNATURE_INVALID")),
                Arguments.of("RSA 1024", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.rsa(1024)),
                        claims("acme-42", "production"), List.of("KEY_TOO_SMALL")),
                Arguments.of("RSA 16384", TestCsrs.csrWithRsaModulusBits(GUIDE_1_SUBJECT, 16384),
                        claims("acme-42", "production"), List.of("CSR_SIGNATURE_INVALID", "KEY_TOO_LARGE")),
                Arguments.of("P-521", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.ec("secp521r1"), "SHA512withECDSA"),
                        claims("acme-42", "production"), List.of("KEY_CURVE_NOT_ALLOWED")),
                Arguments.of("SHA-1 signature", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.p384(), "SHA1withECDSA"),
                        claims("acme-42", "production"), List.of("CSR_WEAK_SIGNATURE_ALGORITHM")),
                Arguments.of("CN is not the organization id", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.p384()),
                        claims("globex-7", "production"), List.of("CN_NOT_ORGANIZATION_ID")),
                Arguments.of("no CN", TestCsrs.csr("C=NL,O=ACME BV", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("CN_MISSING")),
                Arguments.of("two CNs", TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42,CN=other", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("CN_MULTIPLE")),
                Arguments.of("no O", TestCsrs.csr("C=NL,CN=acme-42", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("O_MISSING")),
                Arguments.of("country spelled out", TestCsrs.csr("C=Netherlands,O=ACME BV,CN=acme-42", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("C_NOT_TWO_LETTERS")),
                Arguments.of("OU neither environment nor neutral", TestCsrs.csr("C=NL,O=ACME BV,OU=Marketing,CN=acme-42", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("OU_NOT_ALLOWED")),
                Arguments.of("OU names another environment", TestCsrs.csr("C=NL,O=ACME BV,OU=QA,CN=acme-42", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("OU_ENVIRONMENT_CONFLICT")),
                Arguments.of("unknown environment", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.p384()),
                        claims("acme-42", "staging"), List.of("ENVIRONMENT_UNKNOWN")),
                Arguments.of("control character in O", TestCsrs.csr("C=NL,O=ACME\u0007BV,CN=acme-42", TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("SUBJECT_CONTROL_CHARACTERS")),
                Arguments.of("10 KB CN", TestCsrs.csr("C=NL,O=ACME BV,CN=" + "a".repeat(10_000), TestCsrs.p384()),
                        claims("a".repeat(10_000), "production"), List.of("SUBJECT_VALUE_TOO_LONG", "ORGANIZATION_ID_INVALID")),
                Arguments.of("everything wrong at once", TestCsrs.csr("C=Netherlands,CN=wrong", TestCsrs.rsa(1024)),
                        claims("acme-42", "production"), List.of("KEY_TOO_SMALL", "CN_NOT_ORGANIZATION_ID", "O_MISSING", "C_NOT_TWO_LETTERS")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void reportsEveryProblemWithItsCode(String name, PKCS10CertificationRequest csr, RequestClaims claims, List<String> expected) {
        assertThat(errorCodes(csr, claims)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyErrorTellsTheSenderHowToFixIt() {
        List<PolicyFinding> findings = policy.evaluate(
                CsrFacts.of(TestCsrs.csr("C=Netherlands,CN=wrong", TestCsrs.rsa(1024))), claims("acme-42", "production"));
        assertThat(findings).filteredOn(PolicyFinding::isError).allSatisfy(f -> assertThat(f.fix()).isNotBlank());
    }

    @Test
    void showsRequestedExtensionsToTheApproverWithoutRejecting() {
        List<PolicyFinding> findings = policy.evaluate(
                CsrFacts.of(TestCsrs.csrAskingForCa(GUIDE_1_SUBJECT, TestCsrs.p384())), claims("acme-42", "production"));
        assertThat(findings).extracting(PolicyFinding::code).containsExactly("CSR_REQUESTS_EXTENSIONS");
        assertThat(findings.get(0).severity()).isEqualTo(PolicyFinding.Severity.WARNING);
        assertThat(findings.get(0).message()).contains("basicConstraints").contains("ignored");
    }

    @Test
    void describesTheKeyAsTheClientNamesIt() {
        assertThat(CsrFacts.of(TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.p384())).keyDescription()).isEqualTo("EC P-384 (384 bits)");
        assertThat(CsrFacts.of(TestCsrs.csr(GUIDE_2_SUBJECT, TestCsrs.rsa2048())).keyDescription()).isEqualTo("RSA 2048");
    }
}
