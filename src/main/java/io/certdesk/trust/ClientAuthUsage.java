package io.certdesk.trust;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A client certificate must say that it is meant for client authentication: an extended key usage that names
 * {@code clientAuth}. A certificate without the extension, or whose extension names only other purposes (also
 * {@code anyExtendedKeyUsage} alone), is refused: certdesk's own certificates always carry clientAuth, and a
 * partner's server or code-signing certificate must not open the mTLS endpoints. Applied to partner chains
 * when they are submitted and to every client certificate at every handshake.
 */
public final class ClientAuthUsage {

    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private ClientAuthUsage() {
    }

    /** Why the certificate may not authenticate a client, or null when it may. */
    public static String problem(X509Certificate certificate) {
        List<String> usages;
        try {
            usages = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return "its extended key usage cannot be read; issue it with extendedKeyUsage clientAuth";
        }
        if (usages == null) {
            return "it has no extended key usage; issue it with extendedKeyUsage clientAuth";
        }
        if (!usages.contains(CLIENT_AUTH)) {
            return "its extended key usage lacks clientAuth; issue it with extendedKeyUsage clientAuth";
        }
        return null;
    }
}
