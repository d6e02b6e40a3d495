package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

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

    private static byte[] sign(String algorithm) throws Exception {
        Signature signer = Signature.getInstance(algorithm, "SunEC");
        signer.initSign(client.getPrivate());
        signer.update(HANDSHAKE);
        return signer.sign();
    }
}
