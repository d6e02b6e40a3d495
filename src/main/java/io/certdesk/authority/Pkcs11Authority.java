package io.certdesk.authority;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Collections;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA whose key is held in a PKCS#11 token: opened at start-up with every check that can fail later done now,
 * and made once in a key ceremony.
 * <p>
 * At start-up the token must be present, accept the PIN and hold a private key under the configured label that is
 * sensitive and not extractable, of a CA key type certdesk signs with (RSA 4096 or EC P-384), and that belongs to
 * the CA certificate. Anything else refuses the start with a message naming the environment.
 */
public final class Pkcs11Authority {

    private Pkcs11Authority() {
    }

    public static CertificateAuthority open(String environment, Pkcs11Settings settings) {
        requireKeyLabel(environment, settings);
        Provider provider = Pkcs11Token.provider(environment, settings);
        KeyStore store = Pkcs11Token.login(environment, settings, provider);
        String where = "environment '" + environment + "': ";
        String keyName = "key '" + settings.keyLabel() + "' on PKCS#11 token " + settings.tokenName();
        PrivateKey key;
        X509Certificate tokenCertificate;
        try {
            Key found = store.getKey(settings.keyLabel(), null);
            if (!(found instanceof PrivateKey privateKey)) {
                throw new IllegalStateException(where + "no private key labelled '" + settings.keyLabel() + "' on PKCS#11 token "
                        + settings.tokenName() + " (keys with a certificate on it: " + labels(store)
                        + "); make it with the key ceremony or set certdesk.environments." + environment + ".pkcs11.key-label");
            }
            key = privateKey;
            tokenCertificate = (X509Certificate) store.getCertificate(settings.keyLabel());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(where + "cannot read " + keyName + ": " + Pkcs11Token.rootMessage(e), e);
        }
        if (key.getEncoded() != null || key.toString().contains(", extractable")) {
            throw new IllegalStateException(where + keyName + " can leave the token (it is extractable or not sensitive); "
                    + "a CA key must be generated in the token as sensitive and never extractable");
        }
        X509Certificate certificate = settings.caCertificate() == null || settings.caCertificate().isBlank()
                ? tokenCertificate : readPem(environment, Path.of(settings.caCertificate()));
        String signatureAlgorithm = signatureAlgorithm(where + keyName, certificate.getPublicKey());
        if (!"RSA".equals(key.getAlgorithm()) && !"EC".equals(key.getAlgorithm())
                || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())
                || !signs(provider, key, certificate.getPublicKey(), signatureAlgorithm)) {
            throw new IllegalStateException(where + keyName + " does not belong to the CA certificate "
                    + certificate.getSubjectX500Principal().getName() + " (its signature does not verify with the certificate's public key)");
        }
        return new CertificateAuthority(environment, certificate, new Pkcs11Signer(environment, settings, provider, key, signatureAlgorithm));
    }

    /**
     * The key ceremony: generates the CA key pair inside the token (sensitive, never extractable), signs the
     * self-signed CA certificate with it there, and stores that certificate on the token under the key label.
     * Refuses to touch a label that already holds a key.
     */
    public static X509Certificate createCa(String environment, Pkcs11Settings settings, CaKeyType keyType, String subject,
                                           Duration validity) {
        requireKeyLabel(environment, settings);
        Provider provider = Pkcs11Token.provider(environment, settings);
        KeyStore store = Pkcs11Token.login(environment, settings, provider);
        try {
            if (store.containsAlias(settings.keyLabel())) {
                throw new IllegalStateException("environment '" + environment + "': PKCS#11 token " + settings.tokenName()
                        + " already holds a key labelled '" + settings.keyLabel() + "'; certdesk never replaces a CA key");
            }
            KeyPairGenerator generator;
            if (keyType == CaKeyType.RSA_4096) {
                generator = KeyPairGenerator.getInstance("RSA", provider);
                generator.initialize(4096);
            } else {
                generator = KeyPairGenerator.getInstance("EC", provider);
                generator.initialize(new ECGenParameterSpec("secp384r1"));
            }
            KeyPair keys = generator.generateKeyPair();
            X509Certificate certificate = CaKeystore.selfSigned(keys.getPublic(),
                    new JcaContentSignerBuilder(keyType.signatureAlgorithm()).setProvider(provider).build(keys.getPrivate()),
                    subject, validity);
            store.setKeyEntry(settings.keyLabel(), keys.getPrivate(), null, new Certificate[]{certificate});
            return certificate;
        } catch (GeneralSecurityException | OperatorCreationException | RuntimeException e) {
            if (e instanceof IllegalStateException refusal && refusal.getMessage().startsWith("environment '")) {
                throw refusal;
            }
            throw new IllegalStateException("environment '" + environment + "': cannot make the CA key on PKCS#11 token "
                    + settings.tokenName() + ": " + Pkcs11Token.rootMessage(e), e);
        }
    }

    private static void requireKeyLabel(String environment, Pkcs11Settings settings) {
        if (settings.keyLabel() == null || settings.keyLabel().isBlank()) {
            throw new IllegalStateException("environment '" + environment + "': set certdesk.environments." + environment
                    + ".pkcs11.key-label to the label of the CA key on the token");
        }
    }

    /** The signature algorithm of a supported CA key, or a refusal naming what the key is. */
    private static String signatureAlgorithm(String what, PublicKey publicKey) {
        if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() == 4096) {
            return CaKeyType.RSA_4096.signatureAlgorithm();
        }
        if (publicKey instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 384) {
            return CaKeyType.EC_P384.signatureAlgorithm();
        }
        String actual = publicKey instanceof RSAPublicKey rsa ? "RSA " + rsa.getModulus().bitLength()
                : publicKey instanceof ECPublicKey ec ? "EC " + ec.getParams().getCurve().getField().getFieldSize() + "-bit"
                : publicKey.getAlgorithm();
        throw new IllegalStateException(what + " is " + actual + "; a certdesk CA key is RSA 4096 or EC P-384");
    }

    private static boolean signs(Provider provider, PrivateKey key, PublicKey publicKey, String algorithm) {
        try {
            byte[] probe = "certdesk CA key check".getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance(algorithm, provider);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, Crypto.provider());
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String labels(KeyStore store) throws GeneralSecurityException {
        var labels = Collections.list(store.aliases()).stream().filter(alias -> {
            try {
                return store.isKeyEntry(alias);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }).map(alias -> "'" + alias + "'").toList();
        return labels.isEmpty() ? "none" : String.join(", ", labels);
    }

    private static X509Certificate readPem(String environment, Path file) {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("environment '" + environment + "': cannot read the CA certificate " + file
                    + ": " + Pkcs11Token.rootMessage(e), e);
        }
    }
}
