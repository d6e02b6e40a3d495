package io.certdesk.authority;

import java.io.IOException;
import java.io.StringWriter;
import java.security.cert.X509Certificate;

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
}
