package io.certdesk.support;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

import io.certdesk.authority.Crypto;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ECPoint;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** CSRs made in the test, good and bad, with BouncyCastle. */
public final class TestCsrs {

    private static KeyPair p384;
    private static KeyPair rsa2048;

    private TestCsrs() {
    }

    /**
     * One P-384 key shared by every test that calls this: never mail its private key or revoke a certificate of it
     * for keyCompromise, or certdesk refuses it (KEY_COMPROMISED) in every later test of the same context.
     */
    public static synchronized KeyPair p384() {
        if (p384 == null) {
            p384 = ec("secp384r1");
        }
        return p384;
    }

    public static synchronized KeyPair rsa2048() {
        if (rsa2048 == null) {
            rsa2048 = rsa(2048);
        }
        return rsa2048;
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key on a curve the JDK does not generate (secp256k1, brainpool), made by BouncyCastle. */
    public static KeyPair bouncyCastleEc(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Crypto.provider());
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A key pair with the modulus of {@code keys} and the public exponent {@code exponent} (or the next one
     * that has an inverse): what the holder of an RSA private key can make from it at will.
     */
    public static KeyPair rsaWithExponent(KeyPair keys, long exponent) {
        try {
            RSAPrivateCrtKey known = (RSAPrivateCrtKey) keys.getPrivate();
            BigInteger p = known.getPrimeP();
            BigInteger q = known.getPrimeQ();
            BigInteger pMinus1 = p.subtract(BigInteger.ONE);
            BigInteger qMinus1 = q.subtract(BigInteger.ONE);
            BigInteger lambda = pMinus1.multiply(qMinus1).divide(pMinus1.gcd(qMinus1));
            BigInteger e = BigInteger.valueOf(exponent);
            while (!e.gcd(lambda).equals(BigInteger.ONE)) {
                e = e.add(BigInteger.TWO);
            }
            BigInteger d = e.modInverse(lambda);
            KeyFactory factory = KeyFactory.getInstance("RSA");
            return new KeyPair(factory.generatePublic(new RSAPublicKeySpec(known.getModulus(), e)),
                    factory.generatePrivate(new RSAPrivateCrtKeySpec(known.getModulus(), e, d, p, q,
                            d.mod(pMinus1), d.mod(qMinus1), q.modInverse(p))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A CSR for the RSA key {@code keys} whose public key is written with a length of four bytes where DER has
     * three ({@code 30 83 00 01 0a} for {@code 30 82 01 0a}): the same key to any parser, other bytes to a hash.
     */
    public static PKCS10CertificationRequest csrWithPaddedRsaKeyLength(String subject, KeyPair keys) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        byte[] der = spki.getPublicKeyData().getBytes();
        if (der[0] != 0x30 || der[1] != (byte) 0x82) {
            throw new IllegalArgumentException("an RSA key of 2048 bits or more expected");
        }
            byte[] padded = new byte[der.length + 1];
            padded[0] = 0x30;
            padded[1] = (byte) 0x83;
            padded[2] = 0;
            System.arraycopy(der, 2, padded, 3, der.length - 2);
            return csrWithKeyWrittenAs(subject, keys, new SubjectPublicKeyInfo(spki.getAlgorithm(), padded), "SHA256withRSA");
    }

    /** A CSR signed by {@code keys} whose public key is written as {@code written} (the same key, other bytes). */
    public static PKCS10CertificationRequest csrWithKeyWrittenAs(String subject, KeyPair keys, SubjectPublicKeyInfo written,
                                                                String signatureAlgorithm) {
        try {
            return new PKCS10CertificationRequestBuilder(new X500Name(subject), written)
                    .build(new JcaContentSignerBuilder(signatureAlgorithm).build(keys.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR for the EC key {@code keys} with its point in "hybrid" form (06 or 07, then x and y). */
    public static PKCS10CertificationRequest csrWithHybridPoint(String subject, KeyPair keys) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        byte[] point = spki.getPublicKeyData().getBytes().clone();
        point[0] = (byte) ((point[point.length - 1] & 1) == 0 ? 0x06 : 0x07);
        return csrWithKeyWrittenAs(subject, keys, new SubjectPublicKeyInfo(spki.getAlgorithm(), point), "SHA384withECDSA");
    }

    /** A CSR for the RSA key {@code keys} whose algorithm parameters are INTEGER 0 instead of NULL. */
    public static PKCS10CertificationRequest csrWithRsaParameters(String subject, KeyPair keys) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        return csrWithKeyWrittenAs(subject, keys, new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                new ASN1Integer(0)), spki.getPublicKeyData().getBytes()), "SHA256withRSA");
    }

    public static PKCS10CertificationRequest csr(String subject, KeyPair keys) {
        return csr(subject, keys, keys.getPrivate().getAlgorithm().startsWith("EC") ? "SHA384withECDSA" : "SHA256withRSA");
    }

    public static PKCS10CertificationRequest csr(String subject, KeyPair keys, String signatureAlgorithm) {
        return csr(new X500Name(subject), keys, signatureAlgorithm);
    }

    /** A CSR with exactly this subject, for values a subject string cannot spell (a backslash, a non-text value). */
    public static PKCS10CertificationRequest csr(X500Name subject, KeyPair keys) {
        return csr(subject, keys, keys.getPrivate().getAlgorithm().startsWith("EC") ? "SHA384withECDSA" : "SHA256withRSA");
    }

    public static PKCS10CertificationRequest csr(X500Name subject, KeyPair keys, String signatureAlgorithm) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .build(new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Crypto.provider()).build(keys.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR asking for basicConstraints CA:true, which certdesk must ignore. */
    public static PKCS10CertificationRequest csrAskingForCa(String subject, KeyPair keys) {
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").setProvider(Crypto.provider()).build(keys.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR whose signature was made by a different key than the one it carries. */
    public static PKCS10CertificationRequest csrWithForeignSignature(String subject) {
        try {
            KeyPair carried = p384();
            KeyPair signer = ec("secp384r1");
            return new PKCS10CertificationRequestBuilder(new X500Name(subject),
                    SubjectPublicKeyInfo.getInstance(carried.getPublic().getEncoded()))
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").setProvider(Crypto.provider()).build(signer.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR carrying a 16384-bit RSA public key (a fake modulus: making a real one takes minutes). */
    public static PKCS10CertificationRequest csrWithRsaModulusBits(String subject, int bits) {
        try {
            BigInteger modulus = BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.valueOf(0x10001L * 2 + 1));
            SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    new RSAPublicKey(modulus, BigInteger.valueOf(65537)));
            return new PKCS10CertificationRequestBuilder(new X500Name(subject), spki)
                    .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(Crypto.provider()).build(rsa2048().getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A CSR carrying a DSA key whose domain the sender chose: p and q odd numbers of {@code bits} bits, g 2, y 3, signed
     * by another key. Checking such a key (y^q mod p) costs 18 s at 30,000 bits, minutes at 60,000.
     */
    public static PKCS10CertificationRequest csrWithDsaDomainBits(String subject, int bits) {
        try {
            BigInteger big = BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.valueOf(12_345));
            SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_dsa,
                    new DSAParameter(big.add(BigInteger.TWO.shiftLeft(bits / 2)), big, BigInteger.TWO)), new ASN1Integer(3));
            return new PKCS10CertificationRequestBuilder(new X500Name(subject), spki)
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").setProvider(Crypto.provider()).build(p384().getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR for the P-256 key {@code keys} with the curve written out (explicit parameters) instead of named. */
    public static PKCS10CertificationRequest csrWithExplicitCurve(String subject, KeyPair keys) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        X9ECParameters curve = ECNamedCurveTable.getByName("P-256");
        return csrWithKeyWrittenAs(subject, keys, new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                new X962Parameters(curve)), spki.getPublicKeyData().getBytes()), "SHA256withECDSA");
    }

    public static String pem(PKCS10CertificationRequest csr) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(csr);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public static String privateKeyPem(KeyPair keys) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }


    /**
     * A CSR for anyone's RSA modulus with the exponent 1, "signed" without a private key: with e = 1 the signature is
     * the padded hash of the request itself (PKCS#1 v1.5, SHA-256).
     */
    public static PKCS10CertificationRequest csrForgedWithExponentOne(String subject, BigInteger modulus) {
        SubjectPublicKeyInfo key;
        try {
            key = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    new RSAPublicKey(modulus, BigInteger.ONE));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int length = (modulus.bitLength() + 7) / 8;
        return new PKCS10CertificationRequestBuilder(new X500Name(subject), key).build(new RecordingSigner(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE), tbs -> {
                    try {
                        byte[] digestInfo = new DigestInfo(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE),
                                MessageDigest.getInstance("SHA-256").digest(tbs)).getEncoded(ASN1Encoding.DER);
                        byte[] padded = new byte[length];
                        padded[1] = 1;
                        Arrays.fill(padded, 2, length - digestInfo.length - 1, (byte) 0xff);
                        System.arraycopy(digestInfo, 0, padded, length - digestInfo.length, digestInfo.length);
                        return padded;
                    } catch (IOException | GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }));
    }

    /** A CSR for {@code keys} (RSA) whose signature algorithm is RSASSA-PSS with a salt of {@code saltLength} bytes. */
    public static PKCS10CertificationRequest csrWithPssSalt(String subject, KeyPair keys, int saltLength) {
        return new PKCS10CertificationRequestBuilder(new X500Name(subject), SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()))
                .build(pssSignerWithSalt(saltLength));
    }

    /** A signer that writes RSASSA-PSS (SHA-256) with a salt of {@code saltLength} bytes and signs nothing (zeros). */
    public static ContentSigner pssSignerWithSalt(int saltLength) {
        AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        return new RecordingSigner(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, new RSASSAPSSparams(sha256,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, sha256), new ASN1Integer(saltLength), new ASN1Integer(1))),
                tbs -> new byte[256]);
    }

    /**
     * EC parameters written out: P-521's field, equation and base point with an order of {@code orderBits} bits of the
     * sender's choosing and the cofactor 2. Reading such parameters multiplies the base point by the order.
     */
    public static ASN1Sequence explicitCurveWithOrderBits(int orderBits) {
        X9ECParameters p521 = ECNamedCurveTable.getByName("P-521");
        BigInteger order = new BigInteger(orderBits, new java.util.Random(orderBits)).setBit(orderBits - 1).setBit(0);
        try {
            // as read from a sender's bytes, not the objects they were made from
            return ASN1Sequence.getInstance(new X9ECParameters(p521.getCurve(), new X9ECPoint(p521.getG(), false), order, BigInteger.TWO)
                    .getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM "EC PRIVATE KEY" (SEC 1) whose parameters are {@code parameters}, private value 1. */
    public static String ecPrivateKeyPem(ASN1Sequence parameters) {
        try {
            byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(521, BigInteger.ONE, parameters).getEncoded(ASN1Encoding.DER);
            return "-----BEGIN EC PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                    + "\n-----END EC PRIVATE KEY-----\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A content signer that returns what {@code sign} makes of the bytes to be signed. */
    private static final class RecordingSigner implements ContentSigner {
        private final AlgorithmIdentifier algorithm;
        private final java.util.function.Function<byte[], byte[]> sign;
        private final java.io.ByteArrayOutputStream tbs = new java.io.ByteArrayOutputStream();

        RecordingSigner(AlgorithmIdentifier algorithm, java.util.function.Function<byte[], byte[]> sign) {
            this.algorithm = algorithm;
            this.sign = sign;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public java.io.OutputStream getOutputStream() {
            return tbs;
        }

        @Override
        public byte[] getSignature() {
            return sign.apply(tbs.toByteArray());
        }
    }
}
