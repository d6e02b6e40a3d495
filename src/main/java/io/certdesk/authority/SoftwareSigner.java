package io.certdesk.authority;

import java.io.IOException;
import java.security.PrivateKey;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA key in memory, read from a PKCS#12 file.
 * <p>
 * An EC key is turned into BouncyCastle's key parameters once: the curve's precomputed multiples of the generator
 * then stay with the key, where signing through the JCA rebuilds them for every signature (a P-384 signature
 * costs a quarter as much this way).
 */
public final class SoftwareSigner implements CaSigner {

    private final String environment;
    private final PrivateKey privateKey;
    private final String signatureAlgorithm;
    private final AlgorithmIdentifier signatureAlgorithmId;
    private final ECPrivateKeyParameters ecSigningKey;

    public SoftwareSigner(String environment, PrivateKey privateKey) {
        this.environment = environment;
        this.privateKey = privateKey;
        this.signatureAlgorithm = CaKeyType.signatureAlgorithmFor(privateKey);
        this.signatureAlgorithmId = new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm);
        this.ecSigningKey = ecKeyParameters(privateKey);
    }

    @Override
    public ContentSigner newSigner() {
        try {
            if (ecSigningKey != null) {
                return new BcECContentSignerBuilder(signatureAlgorithmId, new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithmId))
                        .build(ecSigningKey);
            }
            return new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Crypto.provider()).build(privateKey);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("CA key of " + environment + " cannot sign", e);
        }
    }

    @Override
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    @Override
    public String kind() {
        return "software";
    }

    @Override
    public String description() {
        return "software key (" + privateKey.getAlgorithm() + ")";
    }


    /** The EC key as BouncyCastle's parameters, or null for an RSA key. */
    private static ECPrivateKeyParameters ecKeyParameters(PrivateKey key) {
        if (!"EC".equals(key.getAlgorithm()) || key.getEncoded() == null) {
            return null;
        }
        try {
            return PrivateKeyFactory.createKey(key.getEncoded()) instanceof ECPrivateKeyParameters ec ? ec : null;
        } catch (IOException | RuntimeException notReadable) {
            return null;
        }
    }
}
