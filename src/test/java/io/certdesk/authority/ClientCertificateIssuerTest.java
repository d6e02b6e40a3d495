package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import io.certdesk.support.TestCsrs;
import org.assertj.core.api.Assertions;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCertificateIssuerTest {

    static CertificateAuthority p384Ca;
    static CertificateAuthority rsaCa;
    static final IssuanceProfile PROFILE = new IssuanceProfile(Duration.ofDays(365), Duration.ofMinutes(5),
            "http://certdesk.test/pki/qa/crl", "http://certdesk.test/pki/qa/ocsp");

    @BeforeAll
    static void createCas(@TempDir Path dir) {
        p384Ca = CaKeystore.create("qa", dir.resolve("qa.p12"), "pw".toCharArray(), CaKeyType.EC_P384, "CN=Test QA CA,O=certdesk", Duration.ofDays(3650));
        rsaCa = CaKeystore.create("production", dir.resolve("prod.p12"), "pw".toCharArray(), CaKeyType.RSA_4096, "CN=Test Prod CA,O=certdesk", Duration.ofDays(3650));
    }

    private X509Certificate issue(CertificateAuthority ca, PKCS10CertificationRequest csr) {
        return new ClientCertificateIssuer().issue(ca, PROFILE, CertificateSubject.of(csr.getSubject()), csr.getSubjectPublicKeyInfo(),
                SerialNumbers.next(), Instant.parse("2026-11-23T10:00:00Z"));
    }

    @Test
    void issuesAClientAuthCertificateFromTheProfile() throws Exception {
        X509Certificate cert = issue(p384Ca, TestCsrs.csr("C=NL,O=ACME BV,OU=API Client,CN=acme-42", TestCsrs.p384()));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[2]).as("keyEncipherment is for RSA keys only").isFalse();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-11-23T09:55:00Z"));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2027-11-23T10:00:00Z"));
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=acme-42,OU=API Client,O=ACME BV,C=NL");
        assertThat(cert.getSigAlgName()).isEqualTo("SHA384WITHECDSA");
        assertThat(new String(cert.getExtensionValue(Extension.cRLDistributionPoints.getId()), "ISO-8859-1"))
                .contains("http://certdesk.test/pki/qa/crl");
        assertThat(new String(cert.getExtensionValue(Extension.authorityInfoAccess.getId()), "ISO-8859-1"))
                .contains("http://certdesk.test/pki/qa/ocsp");
        cert.verify(p384Ca.certificate().getPublicKey());
    }

    @Test
    void addsKeyEnciphermentForRsaKeysAndSignsWithSha256UnderAnRsaCa() {
        X509Certificate cert = issue(rsaCa, TestCsrs.csr("C=BR,O=CLIENT_NAME,OU=Production,CN=client-name", TestCsrs.rsa2048()));
        assertThat(cert.getKeyUsage()[0]).isTrue();
        assertThat(cert.getKeyUsage()[2]).isTrue();
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256WITHRSA");
    }

    @Test
    void neverCopiesExtensionsFromTheCsr() {
        X509Certificate cert = issue(p384Ca, TestCsrs.csrAskingForCa("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384()));
        assertThat(cert.getBasicConstraints()).as("CA:true was asked for and must not be granted").isEqualTo(-1);
    }

    @Test
    void linksTheCertificateToItsCaBySubjectKeyIdentifier() {
        X509Certificate cert = issue(p384Ca, TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384()));
        byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                cert.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets()).getKeyIdentifierObject().getOctets();
        byte[] ski = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                p384Ca.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
        assertThat(aki).isEqualTo(ski);
    }

    @Test
    void serialsArePositiveUniqueAndCarryAtLeast64RandomBits() {
        Set<BigInteger> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            BigInteger serial = SerialNumbers.next();
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isBetween(64, 127);
            assertThat(seen.add(serial)).isTrue();
        }
    }

    @Test
    void aStoredCaLoadsBackWithItsPasswordOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ca.p12");
        CertificateAuthority created = CaKeystore.create("qa", file, "secret".toCharArray(), CaKeyType.EC_P384, "CN=X", Duration.ofDays(10));
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        assertThat(CaKeystore.load("qa", file, "secret".toCharArray()).sha256Fingerprint()).isEqualTo(created.sha256Fingerprint());
        Assertions.assertThatThrownBy(() -> CaKeystore.load("qa", file, "wrong".toCharArray()))
                .hasMessageContaining("wrong password");
    }
}
