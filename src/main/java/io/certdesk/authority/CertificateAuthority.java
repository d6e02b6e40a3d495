package io.certdesk.authority;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * One environment's CA: its certificate and its {@link CaSigner}. Certificate building only ever sees a
 * {@link ContentSigner}, so it does not know whether the key is a software key or one held in a PKCS#11 token.
 * <p>
 * The CA's EC public key is kept as BouncyCastle's key parameters for verifying (the curve's precomputed
 * multiples stay with it).
 */
public final class CertificateAuthority {

    private final String environment;
    private final int generation;
    private final X509Certificate certificate;
    private final CaSigner signer;
    private final String pem;
    private final String sha256Fingerprint;
    private final AsymmetricKeyParameter ecVerifyingKey;

    /** A CA whose key is a software key. */
    public CertificateAuthority(String environment, X509Certificate certificate, PrivateKey privateKey) {
        this(environment, certificate, new SoftwareSigner(environment, privateKey));
    }

    public CertificateAuthority(String environment, X509Certificate certificate, CaSigner signer) {
        this(environment, 1, certificate, signer);
    }

    /**
     * One generation of an environment's CA: generation 1 is the configured CA, each rollover adds the next.
     */
    public CertificateAuthority(String environment, int generation, X509Certificate certificate, CaSigner signer) {
        if (generation < 1) {
            throw new IllegalArgumentException("a CA generation counts from 1");
        }
        this.environment = environment;
        this.generation = generation;
        this.certificate = certificate;
        this.signer = signer;
        this.pem = Pem.encode(certificate);
        this.ecVerifyingKey = ecPublicKeyParameters(certificate);
        try {
            this.sha256Fingerprint = Fingerprints.sha256Colon(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("unreadable CA certificate for " + environment, e);
        }
    }

    public String environment() {
        return environment;
    }

    /** Which of the environment's CAs this is: 1 for the configured CA, one more for each rollover. */
    public int generation() {
        return generation;
    }

    /**
     * A name for this CA that stays unique across its environment's generations: the environment for generation 1
     * (as before any rollover), {@code <environment>/<generation>} after.
     */
    public String id() {
        return generation == 1 ? environment : environment + "/" + generation;
    }

    /** This CA with another generation number (a CA loaded from a keystore learns its generation later). */
    public CertificateAuthority asGeneration(int number) {
        return number == generation ? this : new CertificateAuthority(environment, number, certificate, signer);
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
        return signer.signatureAlgorithm();
    }

    /** Where the key is and how it signs (software or a PKCS#11 token). */
    public CaSigner signer() {
        return signer;
    }

    public ContentSigner newSigner() {
        return signer.newSigner();
    }

    /** Whether this CA's key signed the certificate. */
    public boolean signed(X509Certificate issued) {
        if (!Crypto.signatureParametersBounded(issued)) {
            return false;
        }
        try {
            ContentVerifierProvider verifier = ecVerifyingKey != null
                    ? new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(ecVerifyingKey)
                    : new JcaContentVerifierProviderBuilder().setProvider(Crypto.provider()).build(certificate.getPublicKey());
            return new X509CertificateHolder(issued.getEncoded()).isSignatureValid(verifier);
        } catch (Exception doesNotVerify) {
            return false;
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
