package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Builds a CA's signed CRL (RFC 5280) from its revoked certificates. */
public final class CrlBuilder {

    /** A revoked certificate: serial, when, and the RFC 5280 reason code. */
    public record Entry(BigInteger serial, Instant revokedAt, int reasonCode) {
    }

    private CrlBuilder() {
    }

    /**
     * @param crlNumber increases with every CRL the CA publishes
     */
    public static byte[] build(CertificateAuthority ca, List<Entry> revoked, Instant thisUpdate, Duration lifetime,
                               BigInteger crlNumber) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(thisUpdate.plus(lifetime)));
            for (Entry entry : revoked) {
                builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), entry.reasonCode());
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            return builder.build(ca.newSigner()).getEncoded();
        } catch (IOException | CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot build the CRL of " + ca.environment(), e);
        }
    }
}
