package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CrlBuilderTest {

    private static final Instant THIS_UPDATE = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofDays(7);

    private static CertificateAuthority ca;

    @BeforeAll
    static void makeCa(@TempDir Path dir) {
        ca = CaKeystore.create("qa", dir.resolve("qa.p12"), "pw".toCharArray(), CaKeyType.EC_P384,
                "CN=Test QA CA,O=certdesk", Duration.ofDays(3650));
    }

    @Test
    void crlIsSignedByTheCaAndNamesItAsIssuer() throws Exception {
        X509CRL crl = crl(List.of(), BigInteger.ONE);

        crl.verify(ca.certificate().getPublicKey());
        assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getSigAlgName()).isEqualTo(ca.signatureAlgorithm());
    }

    @Test
    void thisUpdateIsTheGivenTimeAndNextUpdateOneLifetimeLater() throws Exception {
        X509CRL crl = crl(List.of(), BigInteger.ONE);

        assertThat(crl.getThisUpdate()).isEqualTo(Date.from(THIS_UPDATE));
        assertThat(crl.getNextUpdate()).isEqualTo(Date.from(THIS_UPDATE.plus(LIFETIME)));
    }

    @Test
    void crlNumberIsTheGivenNumber() throws Exception {
        BigInteger number = new BigInteger("1234567890123");
        X509CRL crl = crl(List.of(), number);

        assertThat(crl.getCriticalExtensionOIDs()).doesNotContain(Extension.cRLNumber.getId());
        byte[] value = ASN1OctetString.getInstance(crl.getExtensionValue(Extension.cRLNumber.getId())).getOctets();
        assertThat(ASN1Integer.getInstance(value).getValue()).isEqualTo(number);
    }

    @Test
    void authorityKeyIdentifierIsTheCasSubjectKeyIdentifier() throws Exception {
        X509CRL crl = crl(List.of(), BigInteger.ONE);

        byte[] aki = ASN1OctetString.getInstance(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets();
        byte[] ski = ASN1OctetString.getInstance(
                ca.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets();
        assertThat(AuthorityKeyIdentifier.getInstance(aki).getKeyIdentifier())
                .isEqualTo(SubjectKeyIdentifier.getInstance(ski).getKeyIdentifier());
    }

    @Test
    void emptyListGivesACrlWithoutEntries() throws Exception {
        assertThat(crl(List.of(), BigInteger.ONE).getRevokedCertificates()).isNull();
    }

    @Test
    void everyRevokedCertificateIsListedWithItsSerialAndTime() throws Exception {
        BigInteger first = new BigInteger("7f0000000000000000000000000001", 16);
        BigInteger second = new BigInteger("2a", 16);
        Instant firstRevoked = Instant.parse("2026-11-02T08:15:30Z");
        Instant secondRevoked = Instant.parse("2026-11-30T23:59:59Z");

        X509CRL crl = crl(List.of(
                new CrlBuilder.Entry(first, firstRevoked, RevocationReason.KEY_COMPROMISE.code()),
                new CrlBuilder.Entry(second, secondRevoked, RevocationReason.SUPERSEDED.code())), BigInteger.TWO);

        assertThat(crl.getRevokedCertificates()).hasSize(2);
        assertThat(crl.getRevokedCertificate(first).getRevocationDate()).isEqualTo(Date.from(firstRevoked));
        assertThat(crl.getRevokedCertificate(second).getRevocationDate()).isEqualTo(Date.from(secondRevoked));
        assertThat(crl.getRevokedCertificate(BigInteger.TEN)).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = RevocationReason.class, names = "UNSPECIFIED", mode = EnumSource.Mode.EXCLUDE)
    void entryCarriesItsReasonCode(RevocationReason reason) throws Exception {
        BigInteger serial = BigInteger.valueOf(4242);

        X509CRLEntry entry = crl(List.of(new CrlBuilder.Entry(serial, THIS_UPDATE, reason.code())), BigInteger.ONE)
                .getRevokedCertificate(serial);

        assertThat(entry.getRevocationReason()).isEqualTo(CRLReason.values()[reason.code()]);
    }

    @Test
    void unspecifiedReasonIsLeftOutOfTheEntry() throws Exception {
        BigInteger serial = BigInteger.valueOf(4243);

        X509CRLEntry entry = crl(List.of(new CrlBuilder.Entry(serial, THIS_UPDATE, RevocationReason.UNSPECIFIED.code())),
                BigInteger.ONE).getRevokedCertificate(serial);

        // RFC 5280 5.3.1: the reasonCode unspecified SHOULD be absent
        assertThat(entry.getRevocationReason()).isNull();
        assertThat(entry.hasExtensions()).isFalse();
    }

    private static X509CRL crl(List<CrlBuilder.Entry> entries, BigInteger number) throws Exception {
        byte[] der = CrlBuilder.build(ca, entries, THIS_UPDATE, LIFETIME, number);
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }
}
