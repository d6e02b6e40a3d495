package io.certdesk.authority;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM text of public objects. Private keys are never written as PEM by certdesk. */
public final class Pem {

    private Pem() {
    }

    public static String encode(X509Certificate certificate) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** The certificate in PEM text certdesk wrote. */
    public static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("unreadable certificate", e);
        }
    }

    /**
     * The public key of the certificate in PEM text, exactly as the certificate writes it: read with BouncyCastle
     * alone, so no provider writes it anew in another form or fails on a form it does not know.
     */
    public static SubjectPublicKeyInfo subjectPublicKeyInfo(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            if (parser.readObject() instanceof X509CertificateHolder certificate) {
                return certificate.getSubjectPublicKeyInfo();
            }
        } catch (IOException | RuntimeException unreadable) {
            throw new IllegalStateException("unreadable certificate", unreadable);
        }
        throw new IllegalStateException("unreadable certificate: no certificate in the text");
    }
}
