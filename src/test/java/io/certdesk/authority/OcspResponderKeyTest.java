package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OcspResponderKeyTest {

    @Test
    void aResponderCertificateMayOnlySignOcspAnswersAndNeedsNoRevocationCheck(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CaKeystore.create("qa", dir.resolve("qa.p12"), "pw".toCharArray(), CaKeyType.EC_P384,
                "CN=Test QA CA,O=certdesk", Duration.ofDays(3650));
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        OcspResponderKey key = OcspResponderKey.issue(ca, SerialNumbers.next(), now, Duration.ofDays(4));
        X509Certificate certificate = key.certificate();

        assertThat(ca.signed(certificate)).isTrue();
        assertThat(certificate.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_OCSPSigning.getId());
        assertThat(certificate.getNonCriticalExtensionOIDs()).contains(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId());
        assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(certificate.getKeyUsage()[5]).as("no keyCertSign").isFalse();
        assertThat(key.notAfter()).isEqualTo(now.plus(Duration.ofDays(4)));
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=qa OCSP responder");
    }
}
