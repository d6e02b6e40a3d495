package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.certdesk.authority.CertificateSubject;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
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
                Arguments.of("RSA key length not in DER", TestCsrs.csrWithPaddedRsaKeyLength(GUIDE_1_SUBJECT, TestCsrs.rsa2048()),
                        claims("acme-42", "production"), List.of("KEY_ENCODING_INVALID")),
                Arguments.of("RSA parameters INTEGER 0", TestCsrs.csrWithRsaParameters(GUIDE_1_SUBJECT, TestCsrs.rsa2048()),
                        claims("acme-42", "production"), List.of("KEY_ENCODING_INVALID")),
                Arguments.of("EC point in hybrid form", TestCsrs.csrWithHybridPoint(GUIDE_1_SUBJECT, TestCsrs.p384()),
                        claims("acme-42", "production"), List.of("KEY_ENCODING_INVALID")),
                Arguments.of("RSA exponent 3", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.rsaWithExponent(TestCsrs.rsa2048(), 3)),
                        claims("acme-42", "production"), List.of("KEY_EXPONENT_NOT_ALLOWED")),
                Arguments.of("RSA exponent 65539", TestCsrs.csr(GUIDE_1_SUBJECT, TestCsrs.rsaWithExponent(TestCsrs.rsa2048(), 65539)),
                        claims("acme-42", "production"), List.of("KEY_EXPONENT_NOT_ALLOWED")),
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

    /** A subject with exactly these attributes in this order, values as given (nothing parsed or unescaped). */
    static X500Name subject(Object... typesAndValues) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        for (int i = 0; i < typesAndValues.length; i += 2) {
            builder.addRDN((ASN1ObjectIdentifier) typesAndValues[i], (String) typesAndValues[i + 1]);
        }
        return builder.build();
    }

    static PKCS10CertificationRequest p384(X500Name subject) {
        return TestCsrs.csr(subject, TestCsrs.p384());
    }

    static Stream<Arguments> subjectRejections() {
        RequestClaims acme = claims("acme-42", "production");
        return Stream.of(
                Arguments.of("emailAddress", p384(subject(BCStyle.C, "NL", BCStyle.O, "ACME BV", BCStyle.CN, "acme-42",
                        BCStyle.EmailAddress, "jane@acme.test")), acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("DC", p384(subject(BCStyle.DC, "test", BCStyle.DC, "acme", BCStyle.O, "ACME BV", BCStyle.CN, "acme-42")),
                        acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("UID", p384(subject(BCStyle.O, "ACME BV", BCStyle.UID, "admin", BCStyle.CN, "acme-42")),
                        acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("serialNumber", p384(subject(BCStyle.O, "ACME BV", BCStyle.SERIALNUMBER, "12345", BCStyle.CN, "acme-42")),
                        acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("an unknown OID", p384(subject(BCStyle.O, "ACME BV", new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), "x",
                        BCStyle.CN, "acme-42")), acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("CN and UID in one RDN", TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42+UID=admin", TestCsrs.p384()),
                        acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("CN and OU in one RDN", TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42+OU=API Client", TestCsrs.p384()),
                        acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("an empty RDN", p384(new X500Name(new RDN[]{
                        RDN.getInstance(new DERSet()),
                        new RDN(BCStyle.O, new DERUTF8String("ACME BV")),
                        new RDN(BCStyle.CN, new DERUTF8String("acme-42"))})),
                        acme, List.of("SUBJECT_ATTRIBUTE_NOT_ALLOWED")),
                Arguments.of("markup in L", p384(subject(BCStyle.C, "NL", BCStyle.L, "<script>alert(1)</script>", BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42")), acme, List.of("SUBJECT_CHARACTERS_NOT_ALLOWED")),
                Arguments.of("quotes and backslash in ST", p384(subject(BCStyle.C, "NL", BCStyle.ST, "North \"Holland\\", BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42")), acme, List.of("SUBJECT_CHARACTERS_NOT_ALLOWED")),
                Arguments.of("markup in O", p384(subject(BCStyle.C, "NL", BCStyle.O, "ACME <b>BV</b>", BCStyle.CN, "acme-42")),
                        acme, List.of("SUBJECT_CHARACTERS_NOT_ALLOWED")),
                Arguments.of("two STs", p384(subject(BCStyle.C, "NL", BCStyle.ST, "North-Holland", BCStyle.ST, "Utrecht", BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42")), acme, List.of("ST_MULTIPLE")),
                Arguments.of("two Ls", p384(subject(BCStyle.C, "NL", BCStyle.L, "Amsterdam", BCStyle.L, "Utrecht", BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42")), acme, List.of("L_MULTIPLE")),
                Arguments.of("control character in L", p384(subject(BCStyle.C, "NL", BCStyle.L, "Amster\u0007dam", BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42")), acme, List.of("SUBJECT_CONTROL_CHARACTERS")),
                Arguments.of("L over 64 characters", p384(subject(BCStyle.C, "NL", BCStyle.L, "A".repeat(65), BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42")), acme, List.of("SUBJECT_VALUE_TOO_LONG")),
                Arguments.of("CN with a backslash inside", p384(subject(BCStyle.C, "NL", BCStyle.O, "ACME BV", BCStyle.CN, "acme\\-42")),
                        acme, List.of("CN_NOT_ORGANIZATION_ID", "SUBJECT_CHARACTERS_NOT_ALLOWED")),
                Arguments.of("CN with a backslash at the end", p384(subject(BCStyle.C, "NL", BCStyle.O, "ACME BV", BCStyle.CN, "acme-42\\")),
                        acme, List.of("CN_NOT_ORGANIZATION_ID", "SUBJECT_CHARACTERS_NOT_ALLOWED")),
                Arguments.of("CN with a zero-width space", p384(subject(BCStyle.C, "NL", BCStyle.O, "ACME BV", BCStyle.CN, "acme\u200b-42")),
                        acme, List.of("CN_NOT_ORGANIZATION_ID", "SUBJECT_CONTROL_CHARACTERS")),
                Arguments.of("CN with a zero-width joiner at the end", p384(subject(BCStyle.C, "NL", BCStyle.O, "ACME BV", BCStyle.CN, "acme-42\u200d")),
                        acme, List.of("CN_NOT_ORGANIZATION_ID", "SUBJECT_CONTROL_CHARACTERS")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjectRejections")
    void refusesSubjectsThatWouldNotBeSignedAsTheyAre(String name, PKCS10CertificationRequest csr, RequestClaims claims,
                                                      List<String> expected) {
        assertThat(errorCodes(csr, claims)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(policy.evaluate(CsrFacts.of(csr), claims)).filteredOn(PolicyFinding::isError)
                .allSatisfy(f -> assertThat(f.fix()).isNotBlank());
    }

    @Test
    void tellsWhichAttributesAreNotAllowedAndTheSubjLineThatWorks() {
        PKCS10CertificationRequest csr = p384(subject(BCStyle.C, "NL", BCStyle.L, "Amsterdam", BCStyle.O, "ACME BV",
                BCStyle.OU, "API Client", BCStyle.CN, "acme-42", BCStyle.EmailAddress, "jane@acme.test", BCStyle.UID, "jane"));
        PolicyFinding finding = policy.evaluate(CsrFacts.of(csr), claims("acme-42", "production")).get(0);
        assertThat(finding.code()).isEqualTo("SUBJECT_ATTRIBUTE_NOT_ALLOWED");
        assertThat(finding.message()).contains("emailAddress, UID").contains("only C, ST, L, O, OU and CN");
        assertThat(finding.fix()).contains("-subj \"/C=NL/L=Amsterdam/O=ACME BV/OU=API Client/CN=acme-42\"");
    }

    @Test
    void neverSuggestsAValueTheShellOrSubjWouldReadSpecially() {
        PKCS10CertificationRequest csr = p384(subject(BCStyle.C, "NL", BCStyle.L, "<script>", BCStyle.O, "$(rm -rf ~)",
                BCStyle.CN, "acme-42", BCStyle.UID, "x"));
        PolicyFinding finding = policy.evaluate(CsrFacts.of(csr), claims("acme-42", "production")).get(0);
        assertThat(finding.fix()).contains("-subj \"/C=NL/O=Your Company Name/OU=API Client/CN=acme-42\"")
                .doesNotContain("script").doesNotContain("rm -rf");
    }

    static Stream<X500Name> acceptedSubjects() {
        return Stream.of(new X500Name(GUIDE_1_SUBJECT), new X500Name(GUIDE_2_SUBJECT.replace("client-name", "acme-42")),
                new X500Name("CN=acme-42,OU=API Client,O=ACME BV,L=Amsterdam,ST=North-Holland,C=NL"),
                subject(BCStyle.C, "FR", BCStyle.ST, "Nouvelle-Aquitaine", BCStyle.L, "Saint-Jean-d'Angély", BCStyle.O, "ACME, Inc.",
                        BCStyle.OU, "API Client", BCStyle.CN, "acme-42"),
                subject(BCStyle.C, "US", BCStyle.ST, "District of Columbia", BCStyle.L, "Washington, D.C.", BCStyle.O, "AT&T",
                        BCStyle.CN, "acme-42"),
                subject(BCStyle.C, "BR", BCStyle.ST, "São Paulo", BCStyle.L, "São José dos Campos", BCStyle.O, "Müller & Filhos Ltda.",
                        BCStyle.CN, "acme-42"),
                subject(BCStyle.C, "DE", BCStyle.L, "Frankfurt (Oder)", BCStyle.O, "ACME BV", BCStyle.CN, "acme-42"),
                subject(BCStyle.C, "CA", BCStyle.ST, "Newfoundland and Labrador", BCStyle.L, "St. John's", BCStyle.O, "ACME BV",
                        BCStyle.CN, "acme-42"));
    }

    @ParameterizedTest
    @MethodSource("acceptedSubjects")
    void acceptsRealPlaceAndCompanyNamesAndSignsThemAsTheyAre(X500Name requested) {
        PKCS10CertificationRequest csr = p384(requested);
        assertThat(errorCodes(csr, claims("acme-42", "production"))).isEmpty();
        assertThatCode(() -> CertificateSubject.of(csr.getSubject())).as("what policy accepts can be signed").doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"rejections", "subjectRejections"})
    void aSubjectThatCannotBeSignedIsNeverAcceptedByPolicy(String name, PKCS10CertificationRequest csr, RequestClaims claims,
                                                           List<String> expected) {
        boolean signable;
        try {
            CertificateSubject.of(csr.getSubject());
            signable = true;
        } catch (CertificateSubject.NotAllowed e) {
            signable = false;
        }
        if (!signable) {
            assertThat(errorCodes(csr, claims)).isNotEmpty();
        }
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
