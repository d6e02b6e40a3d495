package io.certdesk.est;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.lifecycle.RotationCommands;
import io.certdesk.lifecycle.SelfRenewal;
import org.springframework.stereotype.Component;

/**
 * The EST route in reminder mails: strongSwan's {@code pki --est} and curl, with the file names of the delivery
 * mail and the client guide ({@code client-cert.pem}, {@code ca-cert.pem}, {@code client-key.pem} or
 * {@code client.key}); the new key gets a name of its own, so the current one keeps working until the new
 * certificate is installed.
 */
@Component
public class EstRenewalInstructions implements SelfRenewal {

    private final EstSettings settings;
    private final String host;

    public EstRenewalInstructions(EstSettings settings, CertdeskProperties properties) {
        this.settings = settings;
        this.host = properties.mtls().hostNames().get(0);
    }

    @Override
    public String instructions(IssuedCertificate certificate) {
        Integer port = settings.portsOrNone().get(certificate.environment());
        if (port == null || port == 0) {
            return "";
        }
        String[] key = RotationCommands.newKeyCommand(certificate.certificatePem());
        String currentKey = key[1];
        String newKey = currentKey.endsWith(".pem") ? currentKey.replace(".pem", "-new.pem") : currentKey.replace(".key", "-new.key");
        String base = "https://" + host + ":" + port;
        String subject = RotationCommands.subjectForOpenssl(certificate.subject());
        return "Or let your client renew by itself over EST (RFC 7030), authenticated by the certificate it has now\n"
                + "(client-cert.pem and " + currentKey + "); from " + settings.renewalWindow().toDays()
                + " days before expiry the new certificate comes at once, without waiting for us:\n"
                + "       " + key[0].replace(currentKey, newKey) + "\n"
                + "       openssl req -new -key " + newKey + " -out client-new.csr -subj \"" + subject + "\"\n"
                + "       pki --est --url " + base + " --cacert ca-cert.pem --cert client-cert.pem --key " + currentKey
                + " --in client-new.csr --outform pem > client-cert-new.pem\n"
                + "   or with curl instead of pki:\n"
                + "       openssl req -in client-new.csr -outform DER | base64 > client-new.b64\n"
                + "       curl -s --cacert ca-cert.pem --cert client-cert.pem --key " + currentKey
                + " -H 'Content-Type: application/pkcs10' --data-binary @client-new.b64 " + base + "/.well-known/est/"
                + certificate.environment() + "/simplereenroll | base64 -d | openssl pkcs7 -inform DER -print_certs -out client-cert-new.pem\n"
                + "   Then use client-cert-new.pem with " + newKey + ".\n";
    }
}
