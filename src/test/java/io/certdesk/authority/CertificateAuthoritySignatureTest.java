package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * Whether a CA signed a certificate is asked of certificates a client presents (EST, mTLS): their signature's
 * parameters are the client's to write.
 */
class CertificateAuthoritySignatureTest {

    private static final KeyPair CA_KEYS = TestCsrs.rsa2048();
    private static final X500Name CA_NAME = new X500Name("CN=certdesk production CA");

    private static X509Certificate certificate(X500Name subject, X500Name issuer, KeyPair subjectKeys, ContentSigner signer) throws Exception {
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)), subject, subjectKeys.getPublic()).build(signer));
    }

    @Test
    void aPresentedCertificateWithAPssSaltOfGigabytesIsNotSignedAndAllocatesNothing() throws Exception {
        X509Certificate caCertificate = certificate(CA_NAME, CA_NAME, CA_KEYS, new JcaContentSignerBuilder("SHA256withRSA").build(CA_KEYS.getPrivate()));
        CertificateAuthority ca = new CertificateAuthority("production", caCertificate, CA_KEYS.getPrivate());
        KeyPair client = TestCsrs.ec("secp256r1");

        X509Certificate real = certificate(new X500Name("CN=acme-1"), CA_NAME, client,
                new JcaContentSignerBuilder("SHA256withRSAandMGF1").build(CA_KEYS.getPrivate()));
        assertThat(ca.signed(real)).as("a real RSASSA-PSS signature of the CA").isTrue();

        // the verifier allocates the salt's length before it reads the signature: 2^31 bytes ran the heap out
        X509Certificate forged = certificate(new X500Name("CN=acme-2"), CA_NAME, client, TestCsrs.pssSignerWithSalt(Integer.MAX_VALUE - 1000));
        assertThat(ca.signed(forged)).isFalse();
        assertThat(Crypto.signatureParametersBounded(forged)).isFalse();
        assertThat(Crypto.signatureParametersBounded(real)).isTrue();
    }
}
