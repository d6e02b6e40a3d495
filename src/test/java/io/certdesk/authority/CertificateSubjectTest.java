package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.DERUniversalString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateSubjectTest {

    static final String GUIDE_1 = "C=NL,ST=North-Holland,L=Amsterdam,O=Your Company Name,OU=API Client,CN=your-organization-id";

    /** A subject with RDNs exactly as given: type, value, type, value, ... */
    static X500Name subject(Object... typesAndValues) {
        RDN[] rdns = new RDN[typesAndValues.length / 2];
        for (int i = 0; i < rdns.length; i++) {
            Object value = typesAndValues[2 * i + 1];
            rdns[i] = new RDN((ASN1ObjectIdentifier) typesAndValues[2 * i],
                    value instanceof String text ? new DERUTF8String(text) : (ASN1Encodable) value);
        }
        return new X500Name(rdns);
    }

    @Test
    void buildsTheFirstGuidesSubjectAsOpensslEncodesIt() {
        CertificateSubject built = CertificateSubject.of(new X500Name(GUIDE_1));
        assertThat(built.text()).isEqualTo(GUIDE_1);
        RDN[] rdns = built.name().getRDNs();
        assertThat(rdns[0].getFirst().getValue()).isInstanceOf(DERPrintableString.class);
        for (int i = 1; i < rdns.length; i++) {
            assertThat(rdns[i].getFirst().getValue()).isInstanceOf(DERUTF8String.class);
        }
    }

    @Test
    void listsTheFieldsInCertdesksOrderWhateverTheCsrsOrder() {
        assertThat(CertificateSubject.of(new X500Name("CN=acme-42,OU=API Client,O=ACME BV,L=Amsterdam,ST=North-Holland,C=NL")).text())
                .isEqualTo("C=NL,ST=North-Holland,L=Amsterdam,O=ACME BV,OU=API Client,CN=acme-42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Saint-Jean-d'Angély", "Washington, D.C.", "Frankfurt (Oder)", "São Paulo", "St. John's",
            "Côte d\u2019Ivoire", "Łódź", "Zürich", "Provence-Alpes-Côte d'Azur", "東京都", "Paris 16", "Cluj-Napoca"})
    void acceptsRealPlaceNamesAndKeepsThemExactly(String place) {
        CertificateSubject built = CertificateSubject.of(subject(BCStyle.C, new DERPrintableString("NL"), BCStyle.ST, place,
                BCStyle.L, place, BCStyle.O, "ACME BV", BCStyle.CN, "acme-42"));
        assertThat(built.value(CertificateSubject.Field.L)).isEqualTo(place);
        assertThat(built.value(CertificateSubject.Field.ST)).isEqualTo(place);
        assertThat(CertificateSubject.of(new X500Name(built.text())).text()).as("the text reads back to the same subject")
                .isEqualTo(built.text());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("emailAddress", subject(BCStyle.O, "ACME BV", BCStyle.CN, "acme-42", BCStyle.EmailAddress, new DERIA5String("a@evil.test")), "emailAddress"),
                Arguments.of("DC", subject(BCStyle.DC, new DERIA5String("evil"), BCStyle.CN, "acme-42"), "DC"),
                Arguments.of("UID", subject(BCStyle.CN, "acme-42", BCStyle.UID, "admin"), "UID"),
                Arguments.of("serialNumber", subject(BCStyle.SERIALNUMBER, new DERPrintableString("1"), BCStyle.CN, "acme-42"), "serialNumber"),
                Arguments.of("any other OID", subject(new ASN1ObjectIdentifier("1.2.3.4"), "x", BCStyle.CN, "acme-42"), "1.2.3.4"),
                Arguments.of("multi-valued RDN", new X500Name(new RDN[]{new RDN(new AttributeTypeAndValue[]{
                        new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("acme-42")),
                        new AttributeTypeAndValue(BCStyle.OU, new DERUTF8String("API Client"))})}), "several attributes"),
                Arguments.of("empty RDN", new X500Name(new RDN[]{RDN.getInstance(new DERSet()),
                        new RDN(BCStyle.CN, new DERUTF8String("acme-42"))}), "an RDN is empty"),
                Arguments.of("CN twice", subject(BCStyle.CN, "acme-42", BCStyle.CN, "other"), "CN appears more than once"),
                Arguments.of("markup in L", subject(BCStyle.L, "<script>alert(1)</script>", BCStyle.CN, "acme-42"), "L has characters"),
                Arguments.of("quote in ST", subject(BCStyle.ST, "North \"Holland\"", BCStyle.CN, "acme-42"), "ST has characters"),
                Arguments.of("backslash in O", subject(BCStyle.O, "ACME\\BV", BCStyle.CN, "acme-42"), "O has one of the characters"),
                Arguments.of("markup in CN", subject(BCStyle.CN, "<b>acme</b>"), "CN has one of the characters"),
                Arguments.of("C in lower case", subject(BCStyle.C, new DERPrintableString("nl"), BCStyle.CN, "acme-42"), "C is not two capital letters"),
                Arguments.of("empty O", subject(BCStyle.O, "", BCStyle.CN, "acme-42"), "O is empty or not text"),
                Arguments.of("O as an IA5String", subject(BCStyle.O, new DERIA5String("ACME"), BCStyle.CN, "acme-42"), "O is empty or not text"),
                Arguments.of("O as a UniversalString", subject(BCStyle.O, new DERUniversalString(new byte[]{0, 0, 0, 'A'}), BCStyle.CN, "acme-42"), "O is empty or not text"),
                Arguments.of("CN an octet string", subject(BCStyle.CN, (ASN1OctetString) new DEROctetString(new byte[]{1, 2})), "CN is empty or not text"),
                Arguments.of("control character", subject(BCStyle.O, "ACME\u0007BV", BCStyle.CN, "acme-42"), "control or invisible"),
                Arguments.of("zero-width space in CN", subject(BCStyle.CN, "acme\u200b-42"), "control or invisible"),
                Arguments.of("O over 64", subject(BCStyle.O, "A".repeat(65), BCStyle.CN, "acme-42"), "longer than 64"),
                Arguments.of("L over 128", subject(BCStyle.L, "A".repeat(129), BCStyle.CN, "acme-42"), "longer than 128"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesEverythingButTheAllowedFields(String name, X500Name requested, String reason) {
        assertThatThrownBy(() -> CertificateSubject.of(requested)).isInstanceOf(CertificateSubject.NotAllowed.class)
                .hasMessageContaining(reason);
    }

    @Test
    void escapesSoThatTheTextIsUnambiguous() {
        CertificateSubject built = CertificateSubject.of(subject(BCStyle.L, "Washington, D.C.", BCStyle.O, "A+B; C=D", BCStyle.CN, "acme-42"));
        assertThat(built.text()).isEqualTo("L=Washington\\, D.C.,O=A\\+B\\; C\\=D,CN=acme-42");
    }
}
