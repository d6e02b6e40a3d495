package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The BouncyCastle provider, registered once: it verifies and signs EC several times faster than the JDK's. */
public final class Crypto {

    private static final Provider PROVIDER;
    /** The name under which {@link #verifyEcdsaWithBouncyCastle()} registers its provider. */
    public static final String ECDSA_VERIFICATION = "CertdeskEcdsaVerification";
    private static final String RSA_MODULUS_TESTS = "org.bouncycastle.rsa.max_mr_tests";

    static {
        // BouncyCastle runs Miller-Rabin tests on every RSA modulus it reads, to refuse a prime one: a sender's prime
        // 8192-bit "modulus" cost half a second in every CSR or partner certificate. A prime modulus only makes a key
        // whose signatures nobody can make, so certdesk skips them.
        if (Security.getProperty(RSA_MODULUS_TESTS) == null && System.getProperty(RSA_MODULUS_TESTS) == null) {
            Security.setProperty(RSA_MODULUS_TESTS, "0");
        }
        Provider existing = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        PROVIDER = existing != null ? existing : new BouncyCastleProvider();
        if (existing == null) {
            Security.addProvider(PROVIDER);
        }
    }

    private Crypto() {
    }

    public static Provider provider() {
        return PROVIDER;
    }

    /** The largest RSA modulus a signature is checked with; larger keys are refused anyway. */
    public static final int MAX_VERIFIED_RSA_BITS = 8192;

    /**
     * Whether a signature made with this RSA key is worth checking: up to {@value #MAX_VERIFIED_RSA_BITS} bits and an
     * odd exponent from 3 to 2^32. A larger key or exponent costs seconds to check, and with the exponent 1 the
     * "signature" is the padded hash itself, which anyone writes for any modulus.
     */
    public static boolean rsaSignaturesCheckable(BigInteger modulus, BigInteger exponent) {
        return modulus.bitLength() <= MAX_VERIFIED_RSA_BITS && exponent.bitLength() <= 32 && exponent.testBit(0)
                && exponent.compareTo(BigInteger.valueOf(3)) >= 0;
    }

    /**
     * Whether a signature made with this public key is worth checking: RSA as {@link #rsaSignaturesCheckable} says, EC
     * (on the named curves BouncyCastle verifies; the JDK refuses others at once), Ed25519 and Ed448. Not DSA, whose
     * domain is the key holder's choice (a p of 75,000 bits costs seconds per check), nor any other algorithm.
     */
    public static boolean signaturesCheckable(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsaSignaturesCheckable(rsa.getModulus(), rsa.getPublicExponent());
        }
        return key instanceof ECPublicKey || "Ed25519".equals(key.getAlgorithm()) || "Ed448".equals(key.getAlgorithm())
                || "EdDSA".equals(key.getAlgorithm());
    }

    /** The longest RSASSA-PSS salt a signature is checked with: a salt is shorter than the modulus (8192 bits at most). */
    public static final int MAX_PSS_SALT_BYTES = 1024;

    /**
     * Whether a signature's parameters ask for no more work than a real signature's: an RSASSA-PSS salt longer than
     * {@value #MAX_PSS_SALT_BYTES} bytes is not checked (BouncyCastle allocates the salt's length before it looks at
     * the signature, and a sender's salt of 2^31 bytes runs the heap out). Unreadable parameters are not checked either.
     */
    public static boolean signatureParametersBounded(AlgorithmIdentifier signature) {
        if (!PKCSObjectIdentifiers.id_RSASSA_PSS.equals(signature.getAlgorithm())) {
            return true;
        }
        try {
            return RSASSAPSSparams.getInstance(signature.getParameters()).getSaltLength()
                    .compareTo(BigInteger.valueOf(MAX_PSS_SALT_BYTES)) <= 0;
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** The same for a certificate's signature, as the JDK reads it. */
    public static boolean signatureParametersBounded(X509Certificate certificate) {
        try {
            byte[] parameters = certificate.getSigAlgParams();
            return signatureParametersBounded(new AlgorithmIdentifier(new ASN1ObjectIdentifier(certificate.getSigAlgOID()),
                    parameters == null ? null : ASN1Primitive.fromByteArray(parameters)));
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /**
     * Makes BouncyCastle the JVM's first choice to <em>verify</em> ECDSA signatures with SHA-256, -384 and -512, for
     * code that asks the JCA without naming a provider: above all the TLS handshakes of the EST and mTLS listeners,
     * which check each client's CertificateVerify and certificate signature (P-384 verification is about 3.5 times
     * faster in BouncyCastle than in the JDK's SunEC). Only public keys are taken: signing with a private key,
     * the TLS server's own included, stays with the JDK's providers, as does every other algorithm. Idempotent.
     */
    public static synchronized void verifyEcdsaWithBouncyCastle() {
        if (Security.getProvider(ECDSA_VERIFICATION) == null) {
            Security.insertProviderAt(new EcdsaVerification(PROVIDER), 1);
        }
    }

    /**
     * The size of the NIST curve (P-256, P-384, P-521) these EC parameters describe, named or explicit, whatever
     * class they come in; 0 for any other curve (brainpool, secp256k1, a curve of someone's making).
     */
    public static int nistCurveBits(ECParameterSpec parameters) {
        return NistCurves.bits(parameters);
    }

    /** BouncyCastle's ECDSA signature services, offered for EC public keys only. */
    private static final class EcdsaVerification extends Provider {

        EcdsaVerification(Provider bouncyCastle) {
            super(ECDSA_VERIFICATION, "1.0", "ECDSA signature verification by BouncyCastle, for EC public keys only");
            for (String algorithm : List.of("SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA")) {
                Provider.Service implementation = bouncyCastle.getService("Signature", algorithm);
                if (implementation != null) {
                    putService(new PublicKeysOnly(this, algorithm, implementation));
                }
            }
        }
    }

    /** The JDK's own parameters of P-256, P-384 and P-521, to compare a key's with (whatever class it comes in). */
    private static final class NistCurves {

        private static final List<ECParameterSpec> CURVES = Stream.of("secp256r1", "secp384r1", "secp521r1").map(NistCurves::named).toList();

        private static ECParameterSpec named(String name) {
            try {
                AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec(name));
                return parameters.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no " + name, e);
            }
        }

        static boolean contains(ECParameterSpec spec) {
            return bits(spec) != 0;
        }

        static int bits(ECParameterSpec spec) {
            if (spec == null) {
                return 0;
            }
            for (ECParameterSpec curve : CURVES) {
                if (curve.getOrder().equals(spec.getOrder()) && curve.getCofactor() == spec.getCofactor()
                        && curve.getCurve().equals(spec.getCurve()) && curve.getGenerator().equals(spec.getGenerator())) {
                    return curve.getCurve().getField().getFieldSize();
                }
            }
            return 0;
        }
    }

    private static final class PublicKeysOnly extends Provider.Service {

        private final Provider.Service implementation;

        PublicKeysOnly(Provider owner, String algorithm, Provider.Service implementation) {
            super(owner, "Signature", algorithm, implementation.getClassName(), null,
                    Map.of("SupportedKeyClasses", ECPublicKey.class.getName()));
            this.implementation = implementation;
        }

        /**
         * An EC public key on P-256, P-384 or P-521 only, the curves the JDK verifies itself: a private key (and so
         * every signing) goes on to the next provider, and so does a key on any other curve. A client certificate
         * with explicit parameters of a large made-up curve would otherwise cost BouncyCastle tens of milliseconds
         * per handshake, where the JDK refuses it at once.
         */
        @Override
        public boolean supportsParameter(Object key) {
            return key instanceof ECPublicKey ec && NistCurves.contains(ec.getParams());
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return implementation.newInstance(constructorParameter);
        }
    }
}
