package io.certdesk.notify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates certdesk trusts for its mail servers' TLS (IMAPS, SMTP with STARTTLS) when they are not signed
 * by a CA the JVM trusts, e.g. an internal CA: only these, and the server's name is checked. There is no "trust
 * all". Outgoing mail (SMTP) and the support inbox (IMAP, in intake) both use it.
 */
public final class MailServerTrust {

    private final SSLSocketFactory sockets;

    private MailServerTrust(SSLSocketFactory sockets) {
        this.sockets = sockets;
    }

    /** Trust in the PEM certificates of {@code file}; null when {@code file} is empty (the JVM's trusted CAs apply). */
    public static MailServerTrust of(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("mail-server-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalStateException("no certificate in " + file);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return new MailServerTrust(context.getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the mail servers' trusted certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /** Sets the Jakarta Mail properties of {@code protocol} (imap, imaps, smtp, smtps) to use this trust. */
    public void apply(Properties properties, String protocol) {
        properties.put("mail." + protocol + ".ssl.socketFactory", sockets);
        properties.put("mail." + protocol + ".ssl.checkserveridentity", "true");
    }
}
