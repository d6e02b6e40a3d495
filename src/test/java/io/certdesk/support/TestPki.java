package io.certdesk.support;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.certdesk.authority.Crypto;
import io.certdesk.authority.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A partner's PKI made in the test: root, intermediate and client certificates with their keys. */
public final class TestPki {

    public record Issued(X509Certificate certificate, KeyPair keys) {
        public String pem() {
            return Pem.encode(certificate);
        }
    }

    private TestPki() {
    }

    public static Issued root(String name, Instant notBefore, Instant notAfter) {
        return root(new X500Name(name), notBefore, notAfter);
    }

    /** A root with a name of any content, e.g. values no name string can carry. */
    public static Issued root(X500Name name, Instant notBefore, Instant notAfter) {
        KeyPair keys = TestCsrs.ec("secp384r1");
        return new Issued(build(name, keys, name, keys, notBefore, notAfter, 1, null, "SHA384withECDSA"), keys);
    }

    public static Issued intermediate(String name, Issued issuer, Instant notBefore, Instant notAfter) {
        KeyPair keys = TestCsrs.ec("secp384r1");
        return new Issued(build(new X500Name(name), keys, X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), issuer.keys(), notBefore, notAfter,
                0, null, "SHA384withECDSA"), keys);
    }

    public static Issued leaf(String name, Issued issuer, KeyPurposeId purpose) {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Instant now = Instant.now();
        return new Issued(build(new X500Name(name), keys, X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), issuer.keys(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(200)), -1, purpose, "SHA384withECDSA"), keys);
    }

    /**
     * A client certificate signed by any CA whose signer the test holds (certdesk's own CA included), with the
     * given extended key usage or none when {@code purpose} is null.
     */
    public static Issued leafSignedBy(String name, X509Certificate issuer, ContentSigner signer, KeyPurposeId purpose) {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(200))), new X500Name(name), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            return new Issued(new JcaX509CertificateConverter().setProvider(Crypto.provider()).getCertificate(builder.build(signer)), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Issued selfSignedLeaf(String name) {
        KeyPair keys = TestCsrs.ec("secp384r1");
        Instant now = Instant.now();
        return new Issued(build(new X500Name(name), keys, new X500Name(name), keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(200)), -1,
                KeyPurposeId.id_kp_clientAuth, "SHA384withECDSA"), keys);
    }

    private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, Instant notBefore,
                                         Instant notAfter, int pathLength, KeyPurposeId purpose, String algorithm) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKeys.getPublic());
            if (pathLength >= 0) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                if (purpose != null) {
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                }
            }
            return new JcaX509CertificateConverter().setProvider(Crypto.provider())
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).setProvider(Crypto.provider()).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
