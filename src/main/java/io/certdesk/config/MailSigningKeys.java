package io.certdesk.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;

import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.GeneratedPasswords;
import io.certdesk.authority.MailSigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the mail-signing key comes from: in production mode a configured PKCS#12 file and its password from the
 * environment, both required; in embedded mode {@code <data-dir>/mail/mail-signing.p12}, created on first start with
 * a generated password kept beside it.
 */
final class MailSigningKeys {

    private static final Logger log = LoggerFactory.getLogger(MailSigningKeys.class);

    private MailSigningKeys() {
    }

    static MailSigningKey open(CertdeskProperties properties) {
        CertdeskProperties.MailSigning settings = properties.mailSigning();
        boolean configured = settings.keystore() != null && !settings.keystore().isBlank();
        boolean hasPassword = settings.password() != null && !settings.password().isBlank();
        Path keystore = configured ? Path.of(settings.keystore()) : properties.dataDir().resolve("mail").resolve("mail-signing.p12");
        MailSigningKey key;
        if (!properties.embedded()) {
            if (!configured || !hasPassword) {
                throw new IllegalStateException("production mode: no mail-signing key; set CERTDESK_MAIL_SIGNING_KEYSTORE (a PKCS#12 "
                        + "file with the key and its certificate chain) and CERTDESK_MAIL_SIGNING_PASSWORD, or "
                        + "certdesk.mail-signing.enabled=false to send mail unsigned");
            }
            if (!Files.isReadable(keystore)) {
                throw new IllegalStateException("production mode: the mail-signing keystore " + keystore
                        + " does not exist or cannot be read; set CERTDESK_MAIL_SIGNING_KEYSTORE");
            }
            key = MailSigningKey.load(keystore, settings.password().toCharArray());
        } else {
            try {
                Path passwordFile = keystore.resolveSibling(keystore.getFileName() + ".password");
                char[] password;
                if (hasPassword) {
                    password = settings.password().toCharArray();
                } else {
                    password = GeneratedPasswords.readOrCreate(passwordFile);
                }
                if (Files.exists(keystore)) {
                    key = MailSigningKey.load(keystore, password);
                } else {
                    log.info("Creating the development mail-signing key at {}", keystore);
                    key = MailSigningKey.create(keystore, password, properties.supportAddress(), properties.supportName());
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot prepare the mail-signing key under " + keystore.getParent(), e);
            }
        }
        try {
            log.info("Outgoing mail is S/MIME-signed as {}, certificate SHA-256 fingerprint {}",
                    key.certificate().getSubjectX500Principal().getName(), Fingerprints.sha256Hex(key.certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return key;
    }
}
