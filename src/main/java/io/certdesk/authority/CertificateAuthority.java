package io.certdesk.authority;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * One environment's CA: its certificate and a way to sign with its key. Certificate building only ever sees
 * a {@link ContentSigner}, so the software key can be replaced by a PKCS#11 key without touching it.
 * <p>
 * A software EC key is turned into BouncyCastle's key parameters once: the curve's precomputed multiples of the
 * generator then stay with the key, where signing through the JCA rebuilds them for every signature (a P-384
 * signature costs a quarter as much this way). The CA's public key is kept the same way for verifying.
 */
public final class CertificateAuthority {

    private final String environment;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final String signatureAlgorithm;
    private final String pem;
    private final String sha256Fingerprint;
    private final ECPrivateKeyParameters ecSigningKey;
    private final AsymmetricKeyParameter ecVerifyingKey;
    private final AlgorithmIdentifier signatureAlgorithmId;

    public CertificateAuthority(String environment, X509Certificate certificate, PrivateKey privateKey) {
        this.environment = environment;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.signatureAlgorithm = CaKeyType.signatureAlgorithmFor(privateKey);
        this.pem = Pem.encode(certificate);
        this.signatureAlgorithmId = new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm);
        this.ecSigningKey = ecKeyParameters(privateKey);
        this.ecVerifyingKey = ecSigningKey == null ? null : ecPublicKeyParameters(certificate);
        try {
            this.sha256Fingerprint = Fingerprints.sha256Colon(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("unreadable CA certificate for " + environment, e);
        }
    }

    public String environment() {
        return environment;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem;
    }

    /** SHA-256 over the DER certificate, upper-case colon hex as {@code openssl x509 -fingerprint -sha256} prints it. */
    public String sha256Fingerprint() {
        return sha256Fingerprint;
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

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

    /** Whether this CA's key signed the certificate. */
    public boolean signed(X509Certificate issued) {
        try {
            ContentVerifierProvider verifier = ecVerifyingKey != null
                    ? new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(ecVerifyingKey)
                    : new JcaContentVerifierProviderBuilder().setProvider(Crypto.provider()).build(certificate.getPublicKey());
            return new X509CertificateHolder(issued.getEncoded()).isSignatureValid(verifier);
        } catch (Exception doesNotVerify) {
            return false;
        }
    }

    /** The EC key as BouncyCastle's parameters, or null for an RSA key or one that does not leave its token. */
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

    private static AsymmetricKeyParameter ecPublicKeyParameters(X509Certificate certificate) {
        try {
            return PublicKeyFactory.createKey(certificate.getPublicKey().getEncoded()) instanceof ECPublicKeyParameters ec ? ec : null;
        } catch (IOException | RuntimeException notReadable) {
            return null;
        }
    }
}
