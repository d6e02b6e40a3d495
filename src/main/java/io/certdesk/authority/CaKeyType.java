package io.certdesk.authority;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** The key types a certdesk CA can have, with the signature algorithm each one signs with. */
public enum CaKeyType {
    RSA_4096("SHA256withRSA"),
    EC_P384("SHA384withECDSA");

    private final String signatureAlgorithm;

    CaKeyType(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator;
            if (this == RSA_4096) {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(4096, new SecureRandom());
            } else {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp384r1"), new SecureRandom());
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + this + " key pair", e);
        }
    }

    /** The signature algorithm for a CA whose private key has the given JCA algorithm name. */
    public static String signatureAlgorithmFor(PrivateKey key) {
        return "RSA".equals(key.getAlgorithm()) ? RSA_4096.signatureAlgorithm : EC_P384.signatureAlgorithm;
    }
}
