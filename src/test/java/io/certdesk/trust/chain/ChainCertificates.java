package io.certdesk.trust.chain;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.certdesk.authority.Crypto;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for the chain rules' tests, each with just the property a rule looks at changed. */
final class ChainCertificates {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    static final ChainSettings SETTINGS = new ChainSettings(2048, List.of("256", "384"));

    private static final KeyPair ISSUER = TestCsrs.ec("secp384r1");

    private String subject = "CN=Partner Client";
    private KeyPair keys = TestCsrs.ec("secp384r1");
    private Instant notBefore = NOW.minus(Duration.ofDays(10));
    private Instant notAfter = NOW.plus(Duration.ofDays(300));
    /** -2: no basicConstraints; -1: CA:FALSE; otherwise CA:TRUE with this path length. */
    private int pathLength = -1;
    private Integer keyUsage = KeyUsage.digitalSignature;
    private KeyPurposeId purpose = KeyPurposeId.id_kp_clientAuth;
    private String algorithm = "SHA384withECDSA";
    private boolean selfSigned;

    /** The problems {@code rule} finds in {@code certificate} at {@code depth} (0: the client certificate). */
    static List<String> problems(ChainRule rule, X509Certificate certificate, int depth) {
        List<String> problems = new ArrayList<>();
        rule.check(new ChainLink(certificate, depth, Date.from(NOW)), SETTINGS, problems);
        return problems;
    }

    static ChainCertificates clientCertificate() {
        return new ChainCertificates();
    }

    static ChainCertificates ca(int pathLength) {
        ChainCertificates c = new ChainCertificates();
        c.subject = "CN=Partner CA";
        c.pathLength = pathLength;
        c.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
        c.purpose = null;
        return c;
    }

    ChainCertificates noBasicConstraints() {
        pathLength = -2;
        return this;
    }

    ChainCertificates notCa() {
        pathLength = -1;
        return this;
    }

    ChainCertificates keyUsage(Integer usage) {
        keyUsage = usage;
        return this;
    }

    ChainCertificates purpose(KeyPurposeId value) {
        purpose = value;
        return this;
    }

    ChainCertificates valid(Instant from, Instant until) {
        notBefore = from;
        notAfter = until;
        return this;
    }

    ChainCertificates keys(KeyPair value) {
        keys = value;
        return this;
    }

    /** Signed by another key with {@code signatureAlgorithm} (an EC issuer key: ECDSA algorithms only). */
    ChainCertificates signedWith(String signatureAlgorithm) {
        algorithm = signatureAlgorithm;
        return this;
    }

    /** Signed by its own key with {@code signatureAlgorithm}. */
    ChainCertificates selfSigned(String signatureAlgorithm) {
        selfSigned = true;
        algorithm = signatureAlgorithm;
        return this;
    }

    X509Certificate build() {
        try {
            X500Name issuerName = new X500Name(selfSigned ? subject : "CN=Partner Issuing CA");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    new X500Name(subject), keys.getPublic());
            if (pathLength >= 0) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
            } else if (pathLength == -1) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            }
            if (keyUsage != null) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            KeyPair signer = selfSigned ? keys : ISSUER;
            byte[] der = builder.build(new JcaContentSignerBuilder(algorithm).setProvider(Crypto.provider())
                    .build(signer.getPrivate())).getEncoded();
            // read as certdesk reads a partner's chain: by the JDK's certificate factory
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
