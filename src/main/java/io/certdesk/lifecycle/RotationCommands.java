package io.certdesk.lifecycle;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The client's openssl commands to rotate a certificate: the same key type and the same subject. */
public final class RotationCommands {

    private RotationCommands() {
    }

    /** {@code /C=NL/O=ACME BV/OU=API Client/CN=acme-42}, as {@code openssl req -subj} takes it. */
    public static String subjectForOpenssl(String subject) {
        StringBuilder out = new StringBuilder();
        for (RDN rdn : new X500Name(subject).getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                String type = BCStyle.INSTANCE.oidToDisplayName(atv.getType());
                String value = IETFUtils.valueToString(atv.getValue()).replace("\\,", ",").replace("\\", "").replace("/", "\\/");
                out.append('/').append(type == null ? atv.getType().getId() : type).append('=').append(value);
            }
        }
        return out.toString();
    }

    /** The key command for a new key like the certificate's, and the key file it writes. */
    public static String[] newKeyCommand(String certificatePem) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            if (certificate.getPublicKey() instanceof RSAPublicKey rsa) {
                int bits = Math.max(2048, rsa.getModulus().bitLength());
                return new String[]{"openssl genrsa -out client.key " + bits + " && chmod 600 client.key", "client.key"};
            }
            if (certificate.getPublicKey() instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256) {
                return new String[]{"openssl ecparam -genkey -name prime256v1 -noout -out client-key.pem", "client-key.pem"};
            }
        } catch (Exception unreadable) {
            // fall through to the default
        }
        return new String[]{"openssl ecparam -genkey -name secp384r1 -noout -out client-key.pem", "client-key.pem"};
    }
}
