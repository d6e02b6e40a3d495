package io.certdesk.authority;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One environment's CA: its certificate and a way to sign with its key. Certificate building only ever sees
 * a {@link ContentSigner}, so the software key can be replaced by a PKCS#11 key without touching it.
 */
public final class CertificateAuthority {

    private final String environment;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final String signatureAlgorithm;
    private final String pem;
    private final String sha256Fingerprint;

    public CertificateAuthority(String environment, X509Certificate certificate, PrivateKey privateKey) {
        this.environment = environment;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.signatureAlgorithm = CaKeyType.signatureAlgorithmFor(privateKey);
        this.pem = Pem.encode(certificate);
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
            return new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Crypto.provider()).build(privateKey);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("CA key of " + environment + " cannot sign", e);
        }
    }
}
