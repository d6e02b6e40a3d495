package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Builds and signs client certificates. The subject is a {@link CertificateSubject} (built from a CSR's checked
 * values, never the CSR's subject itself) and the public key comes from a validated request; every extension
 * comes from the {@link IssuanceProfile}, never from the CSR.
 */
public final class ClientCertificateIssuer {

    public X509Certificate issue(CertificateAuthority ca, IssuanceProfile profile, CertificateSubject subject,
                                 SubjectPublicKeyInfo publicKey, BigInteger serial, Instant now) {
        try {
            Instant notBefore = now.minus(profile.backdate());
            X509Certificate caCert = ca.certificate();
            // never valid beyond the CA that signs it: a certificate outliving its CA would fail verification anyway
            Instant caNotAfter = caCert.getNotAfter().toInstant();
            Instant notAfter = now.plus(profile.validity()).isAfter(caNotAfter) ? caNotAfter : now.plus(profile.validity());
            JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), serial,
                    Date.from(notBefore), Date.from(notAfter), subject.name(), publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsageFor(publicKey)));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(caCert, extensionUtils));
            if (profile.crlDistributionUrl() != null && !profile.crlDistributionUrl().isBlank()) {
                GeneralNames crlLocation = new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, profile.crlDistributionUrl()));
                builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[]{
                        new DistributionPoint(new DistributionPointName(crlLocation), null, null)}));
            }
            if (profile.ocspUrl() != null && !profile.ocspUrl().isBlank()) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        X509ObjectIdentifiers.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, profile.ocspUrl())));
            }
            X509CertificateHolder holder = builder.build(ca.newSigner());
            return new JcaX509CertificateConverter().setProvider(Crypto.provider()).getCertificate(holder);
        } catch (IOException | CertificateException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot issue certificate for " + subject, e);
        }
    }

    /** The CA's own subject key identifier, so chain building matches on it even for CAs made elsewhere. */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate caCert, JcaX509ExtensionUtils utils) {
        byte[] ski = caCert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            byte[] keyId = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier();
            return new AuthorityKeyIdentifier(keyId);
        }
        return utils.createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(caCert.getPublicKey().getEncoded()));
    }

    static int keyUsageFor(SubjectPublicKeyInfo publicKey) {
        boolean rsa = PKCSObjectIdentifiers.rsaEncryption.equals(publicKey.getAlgorithm().getAlgorithm());
        return rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
    }
}
