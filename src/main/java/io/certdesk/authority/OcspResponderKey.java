package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

/**
 * A delegated OCSP responder (RFC 6960 4.2.2.2): an EC P-256 key made in memory, never stored, and a short-lived
 * certificate for it from the CA with extendedKeyUsage id-kp-OCSPSigning and id-pkix-ocsp-nocheck. OCSP answers
 * are signed with this key, so answering costs a P-256 signature however the CA key is kept, and the CA key
 * signs only this certificate.
 */
public final class OcspResponderKey {

    private static final AlgorithmIdentifier SHA256_WITH_ECDSA = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");

    private final String environment;
    private final X509Certificate certificate;
    private final X509CertificateHolder certificateHolder;
    private final ECPrivateKeyParameters key;

    private OcspResponderKey(String environment, X509Certificate certificate, ECPrivateKeyParameters key) {
        this.environment = environment;
        this.certificate = certificate;
        this.key = key;
        try {
            this.certificateHolder = new X509CertificateHolder(certificate.getEncoded());
        } catch (IOException | CertificateEncodingException e) {
            throw new IllegalStateException("unencodable OCSP responder certificate", e);
        }
    }

    /** A new key and its certificate from {@code ca}, valid from five minutes before {@code now} for {@code validity}. */
    public static OcspResponderKey issue(CertificateAuthority ca, BigInteger serial, Instant now, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "certdesk")
                    .addRDN(BCStyle.CN, ca.environment() + " OCSP responder").build();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial,
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca.certificate()));
            X509Certificate certificate = new JcaX509CertificateConverter().setProvider(Crypto.provider())
                    .getCertificate(builder.build(ca.newSigner()));
            return new OcspResponderKey(ca.environment(), certificate,
                    (ECPrivateKeyParameters) PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the OCSP responder key of " + ca.environment(), e);
        }
    }

    public String environment() {
        return environment;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public X509CertificateHolder certificateHolder() {
        return certificateHolder;
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    public ContentSigner newSigner() {
        try {
            return new BcECContentSignerBuilder(SHA256_WITH_ECDSA, new DefaultDigestAlgorithmIdentifierFinder().find(SHA256_WITH_ECDSA))
                    .build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("OCSP responder key of " + environment + " cannot sign", e);
        }
    }
}
