package io.certdesk.authority;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA key and certificate in an encrypted PKCS#12 file. Development CAs are created on first use; production
 * CAs must already exist and are only ever read.
 */
public final class CaKeystore {

    private static final String ALIAS = "ca";

    private CaKeystore() {
    }

    public static CertificateAuthority load(String environment, Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            String alias = store.isKeyEntry(ALIAS) ? ALIAS : firstKeyAlias(store);
            PrivateKey key = (PrivateKey) store.getKey(alias, password);
            X509Certificate cert = (X509Certificate) store.getCertificate(alias);
            if (key == null || cert == null) {
                throw new IllegalStateException("CA keystore " + file + " holds no private key with its certificate");
            }
            return new CertificateAuthority(environment, cert, key);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read CA keystore " + file + " for environment '" + environment
                    + "': " + e.getMessage() + " (wrong password or not a PKCS#12 file?)", e);
        }
    }

    /** Creates a self-signed development CA and stores it, encrypted with the password, at {@code file}. */
    public static CertificateAuthority create(String environment, Path file, char[] password, CaKeyType keyType,
                                              String subject, Duration validity) {
        KeyPair keyPair = keyType.generateKeyPair();
        try {
            X509Certificate cert = selfSigned(keyPair.getPublic(), new JcaContentSignerBuilder(keyType.signatureAlgorithm())
                    .setProvider(Crypto.provider()).build(keyPair.getPrivate()), subject, validity);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new Certificate[]{cert});
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                store.store(out, password);
            }
            restrictToOwner(partial);
            Files.move(partial, file);
            return new CertificateAuthority(environment, cert, keyPair.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create development CA for environment '" + environment + "' at " + file, e);
        }
    }

    /** A self-signed CA certificate (pathlen 0, keyCertSign and cRLSign) for the public key, signed by its key. */
    static X509Certificate selfSigned(PublicKey publicKey, ContentSigner signer, String subject, Duration validity)
            throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            X500Name name = new X500Name(subject);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, SerialNumbers.next(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), name, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            return new JcaX509CertificateConverter().setProvider(Crypto.provider()).getCertificate(builder.build(signer));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode the CA certificate", e);
        }
    }

    static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the data directory's ACL
        }
    }

    private static String firstKeyAlias(KeyStore store) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return alias;
            }
        }
        throw new IllegalStateException("no key entry");
    }
}
