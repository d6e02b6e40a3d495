package io.certdesk.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The roots of the public Web PKI as the JDK ships them ({@code $JAVA_HOME/lib/security/cacerts} and the JVM's
 * default trust managers). A partner CA that is one of them, or is issued by one, sells certificates to anyone:
 * trusting it trusts all its customers. The approvers of a partner chain are warned of it.
 */
public final class PublicRoots {

    private final List<X509Certificate> roots;

    public PublicRoots(Collection<X509Certificate> roots) {
        this.roots = List.copyOf(roots);
    }

    /** The JDK's public roots: its cacerts file plus what the default trust manager accepts. */
    public static PublicRoots ofJdk() {
        List<X509Certificate> found = new ArrayList<>();
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        if (Files.isReadable(cacerts)) {
            try {
                KeyStore store = KeyStore.getInstance(cacerts.toFile(), "changeit".toCharArray());
                for (String alias : Collections.list(store.aliases())) {
                    Certificate certificate = store.getCertificate(alias);
                    if (certificate instanceof X509Certificate x509) {
                        found.add(x509);
                    }
                }
            } catch (Exception unreadable) {
                // the default trust managers below still know the JVM's roots
            }
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    found.addAll(Arrays.asList(x509.getAcceptedIssuers()));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM's default trust store cannot be read", e);
        }
        return new PublicRoots(found);
    }

    public int size() {
        return roots.size();
    }

    /** The public root that {@code ca} is (same name and key) or that issued it, or null for a private CA. */
    public X509Certificate publicRootOf(X509Certificate ca) {
        for (X509Certificate root : roots) {
            if (root.getSubjectX500Principal().equals(ca.getSubjectX500Principal())
                    && Arrays.equals(root.getPublicKey().getEncoded(), ca.getPublicKey().getEncoded())) {
                return root;
            }
        }
        for (X509Certificate root : roots) {
            if (root.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) {
                try {
                    ca.verify(root.getPublicKey());
                    return root;
                } catch (Exception otherKey) {
                    // same name, not its issuer
                }
            }
        }
        return null;
    }

    /** One warning for approvers per CA of the path that is or hangs under a public root; empty for a private PKI. */
    public List<String> warnings(List<X509Certificate> cas) {
        List<String> warnings = new ArrayList<>();
        for (X509Certificate ca : cas) {
            X509Certificate root = publicRootOf(ca);
            if (root != null) {
                String what = root.getSubjectX500Principal().equals(ca.getSubjectX500Principal())
                        && Arrays.equals(root.getPublicKey().getEncoded(), ca.getPublicKey().getEncoded())
                        ? "is a root of the JDK's public trust store"
                        : "is issued by \"" + ChainCheck.name(root) + "\", a root of the JDK's public trust store";
                warnings.add("PUBLIC CA: \"" + ChainCheck.name(ca) + "\" " + what + ". A public CA issues certificates to anyone "
                        + "who asks: its customers are anyone. certdesk's mTLS endpoints accept only the client certificate approved "
                        + "here, but every gateway using the trust bundle would trust all of them. Decline unless the partner "
                        + "cannot use a private CA.");
            }
        }
        return warnings;
    }
}
