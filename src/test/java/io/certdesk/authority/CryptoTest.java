package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Random;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.math.ec.ECCurve;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CryptoTest {

    private static final byte[] HANDSHAKE = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
    private static KeyPair client;

    @BeforeAll
    static void install() throws Exception {
        Crypto.verifyEcdsaWithBouncyCastle();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        client = generator.generateKeyPair();
    }

    @Test
    void anEcdsaSignatureOfAJdkKeyIsVerifiedByBouncyCastleWhenNoProviderIsNamed() throws Exception {
        byte[] signature = sign("SHA384withECDSA");
        Signature verifier = Signature.getInstance("SHA384withECDSA");
        verifier.initVerify(client.getPublic());
        verifier.update(HANDSHAKE);
        assertThat(verifier.verify(signature)).isTrue();
        assertThat(verifier.getProvider().getName()).isEqualTo(Crypto.ECDSA_VERIFICATION);
    }

    @Test
    void aSignatureOverOtherBytesOrAlteredIsRefused() throws Exception {
        byte[] signature = sign("SHA384withECDSA");
        Signature verifier = Signature.getInstance("SHA384withECDSA");
        verifier.initVerify(client.getPublic());
        verifier.update("TLS 1.3, another transcript".getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(signature)).isFalse();

        signature[signature.length - 1] ^= 1;
        verifier.initVerify(client.getPublic());
        verifier.update(HANDSHAKE);
        assertThat(verifier.verify(signature)).isFalse();
    }

    @Test
    void signingStaysWithTheJdk() throws Exception {
        Signature signer = Signature.getInstance("SHA384withECDSA");
        signer.initSign(client.getPrivate());
        signer.update(HANDSHAKE);
        signer.sign();
        assertThat(signer.getProvider().getName()).isEqualTo("SunEC");
    }

    @Test
    void otherAlgorithmsAreUntouchedAndInstallingTwiceChangesNothing() throws Exception {
        Crypto.verifyEcdsaWithBouncyCastle();
        assertThat(java.security.Security.getProviders()).filteredOn(p -> p.getName().equals(Crypto.ECDSA_VERIFICATION)).hasSize(1);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(rsa.generateKeyPair().getPublic());
        assertThat(verifier.getProvider().getName()).isNotEqualTo(Crypto.ECDSA_VERIFICATION);
    }

    @Test
    void aP384KeyInBouncyCastlesOwnClassIsVerifiedByBouncyCastleToo() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Crypto.provider());
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair keys = generator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA384withECDSA", Crypto.provider());
        signer.initSign(keys.getPrivate());
        signer.update(HANDSHAKE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA384withECDSA");
        verifier.initVerify(keys.getPublic());
        verifier.update(HANDSHAKE);
        assertThat(verifier.verify(signature)).isTrue();
        assertThat(verifier.getProvider().getName()).isEqualTo(Crypto.ECDSA_VERIFICATION);
    }

    @Test
    void aKeyOnAMadeUpCurveIsLeftToTheJdkWhichRefusesItAtOnce() throws Exception {
        // a client certificate's key with explicit parameters: a 1,024-bit prime field and a made-up order, parsed as
        // TLS parses the certificate's key (the JDK's key factory hands it to BouncyCastle's)
        Random random = new Random(1);
        BigInteger p = BigInteger.probablePrime(1024, random);
        BigInteger a = new BigInteger(1023, random);
        BigInteger x = new BigInteger(1023, random);
        BigInteger y = new BigInteger(1023, random);
        BigInteger b = y.pow(2).subtract(x.pow(3)).subtract(a.multiply(x)).mod(p);
        BigInteger n = BigInteger.probablePrime(1024, random);
        ECCurve curve = new ECCurve.Fp(p, a, b, n, BigInteger.ONE);
        PublicKey made = KeyFactory.getInstance("EC", Crypto.provider()).generatePublic(
                new org.bouncycastle.jce.spec.ECPublicKeySpec(curve.createPoint(x, y), new ECParameterSpec(curve, curve.createPoint(x, y), n)));
        PublicKey asTlsSeesIt = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(made.getEncoded()));
        byte[] garbage = new DERSequence(new ASN1Encodable[]{new ASN1Integer(n.subtract(BigInteger.TWO)), new ASN1Integer(n.subtract(BigInteger.TEN))})
                .getEncoded();

        Signature verifier = Signature.getInstance("SHA384withECDSA");
        verifier.initVerify(asTlsSeesIt);
        verifier.update(HANDSHAKE);
        // BouncyCastle would compute on that curve for tens of milliseconds before saying no
        assertThatThrownBy(() -> verifier.verify(garbage)).isInstanceOf(SignatureException.class).hasMessageContaining("Curve not supported");
        assertThat(verifier.getProvider().getName()).isNotEqualTo(Crypto.ECDSA_VERIFICATION);
    }

    @Test
    void keysOnCurvesTheJdkDoesNotVerifyAreNotTakenEither() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Crypto.provider());
        generator.initialize(new ECGenParameterSpec("brainpoolP256r1"));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(generator.generateKeyPair().getPublic());
        assertThat(verifier.getProvider().getName()).isNotEqualTo(Crypto.ECDSA_VERIFICATION);
    }

    private static byte[] sign(String algorithm) throws Exception {
        Signature signer = Signature.getInstance(algorithm, "SunEC");
        signer.initSign(client.getPrivate());
        signer.update(HANDSHAKE);
        return signer.sign();
    }
}
