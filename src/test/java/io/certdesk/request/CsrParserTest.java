package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.certdesk.authority.Asn1NestingTest;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CsrParserTest {

    private final PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384());

    @Test
    void readsPemAndDerAlike() throws Exception {
        byte[] der = csr.getEncoded();
        assertThat(CsrParser.parse(TestCsrs.pem(csr).getBytes(StandardCharsets.US_ASCII)).getEncoded()).isEqualTo(der);
        assertThat(CsrParser.parse(der).getEncoded()).isEqualTo(der);
    }

    @Test
    void readsTheOldNewCertificateRequestHeader() throws Exception {
        String pem = TestCsrs.pem(csr).replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
        assertThat(CsrParser.parse(pem.getBytes(StandardCharsets.US_ASCII)).getSubject().toString()).contains("acme-42");
    }

    @Test
    void rejectsATruncatedCsrWithAReason() throws Exception {
        byte[] truncated = Arrays.copyOf(csr.getEncoded(), csr.getEncoded().length / 2);
        assertThatThrownBy(() -> CsrParser.parse(truncated)).isInstanceOf(CsrFormatException.class)
                .hasMessageContaining("damaged or truncated");
    }

    @Test
    void rejectsAPemBlockWithoutItsEndLine() {
        String pem = TestCsrs.pem(csr);
        String cut = pem.substring(0, pem.indexOf("-----END"));
        assertThatThrownBy(() -> CsrParser.parse(cut.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CsrFormatException.class).hasMessageContaining("BEGIN or END line is missing");
    }

    @Test
    void rejectsTwoCsrsInOneFile() {
        String two = TestCsrs.pem(csr) + TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=other", TestCsrs.p384()));
        assertThatThrownBy(() -> CsrParser.parse(two.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CsrFormatException.class).hasMessageContaining("one CSR per mail");
    }

    @Test
    void rejectsTextThatIsNotACsr() {
        assertThatThrownBy(() -> CsrParser.parse("hello, here is my request".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CsrFormatException.class);
    }

    @Test
    void dataNestedToOverflowAParsersStackIsRefusedAsNoCsr() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CsrParser.parse(Asn1NestingTest.indefinitelyNested(30_000)))
                .isInstanceOf(CsrFormatException.class).hasMessageContaining("nests deeper than any CSR does");
    }

    @Test
    void aCsrWhosePublicKeyHoldsNestingToOverflowAParserIsRefusedAsNoCsr() throws Exception {
        // a CSR as a hand-made client would send it: its key's BIT STRING holds ASN.1 nested 30,000 levels deep,
        // which is parsed again when the key is read
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption,
                        org.bouncycastle.asn1.DERNull.INSTANCE), Asn1NestingTest.indefinitelyNested(30_000));
        org.bouncycastle.asn1.pkcs.CertificationRequestInfo info = new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(
                new org.bouncycastle.asn1.x500.X500Name("CN=acme-42"), spki, new org.bouncycastle.asn1.DERSet());
        byte[] csr = new org.bouncycastle.asn1.pkcs.CertificationRequest(info, new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.sha256WithRSAEncryption), new org.bouncycastle.asn1.DERBitString(new byte[256]))
                .getEncoded();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CsrFacts.read(csr))
                .isInstanceOf(CsrFormatException.class).hasMessageContaining("nests deeper than any CSR does");
    }
}
