package io.certdesk.authority;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key certdesk signs its outgoing mail with (S/MIME), its certificate and the chain above it, from a PKCS#12
 * file. The embedded mode creates one on first start: a small self-signed "certdesk Mail Signing CA" issues one
 * signing certificate (emailProtection, the support address as its e-mail name) and its own key is then thrown
 * away, so the file holds only the signing key with the chain [signing certificate, mail CA].
 *
 * @param chain the signing certificate first, then its issuers up to the root
 */
public record MailSigningKey(PrivateKey key, List<X509Certificate> chain) {

    private static final String ALIAS = "mail-signing";
    static final Duration VALIDITY = Duration.ofDays(3 * 365);

    public MailSigningKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a mail-signing key needs its certificate");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The chain as PEM, signing certificate first, for clients to check a mail's signature against. */
    public String chainPem() {
        StringBuilder pem = new StringBuilder();
        chain.forEach(c -> pem.append(Pem.encode(c)));
        return pem.toString();
    }

    /** The signature algorithm that fits the key. */
    public String signatureAlgorithm() {
        return key.getAlgorithm().equals("EC") || key.getAlgorithm().equals("ECDSA") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    public static MailSigningKey load(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            String alias = null;
            for (String candidate : Collections.list(store.aliases())) {
                if (store.isKeyEntry(candidate) && (alias == null || candidate.equals(ALIAS))) {
                    alias = candidate;
                }
            }
            if (alias == null) {
                throw new IllegalStateException("mail-signing keystore " + file + " holds no private key");
            }
            PrivateKey key = (PrivateKey) store.getKey(alias, password);
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = store.getCertificateChain(alias);
            if (certificates == null || certificates.length == 0) {
                throw new IllegalStateException("mail-signing keystore " + file + " holds no certificate for its key");
            }
            for (Certificate certificate : certificates) {
                chain.add((X509Certificate) certificate);
            }
            return new MailSigningKey(key, chain);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the mail-signing keystore " + file + ": " + e.getMessage()
                    + " (wrong password or not a PKCS#12 file?)", e);
        }
    }

    /**
     * Creates the embedded mode's mail-signing key: a mail CA, a signing certificate for {@code address} issued by
     * it, stored encrypted at {@code file}; the mail CA's key is not kept.
     */
    public static MailSigningKey create(Path file, char[] password, String address, String name) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair signingKeys = generator.generateKeyPair();
            Instant now = Instant.now();
            Date from = Date.from(now.minus(Duration.ofMinutes(5)));
            Date until = Date.from(now.plus(VALIDITY));
            X500Name caName = new X500Name("CN=certdesk Mail Signing CA,O=certdesk");
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();

            JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, SerialNumbers.next(), from, until,
                    caName, caKeys.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCertificate = certificate(ca, caKeys.getPrivate());

            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "certdesk")
                    .addRDN(BCStyle.CN, name == null || name.isBlank() ? address : name).build();
            JcaX509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caCertificate, SerialNumbers.next(), from, until, subject, signingKeys.getPublic());
            leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            leaf.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
            leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
            leaf.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(signingKeys.getPublic()));
            leaf.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCertificate));
            X509Certificate signingCertificate = certificate(leaf, caKeys.getPrivate());

            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, signingKeys.getPrivate(), password, new Certificate[]{signingCertificate, caCertificate});
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                store.store(out, password);
            }
            CaKeystore.restrictToOwner(partial);
            Files.move(partial, file);
            return new MailSigningKey(signingKeys.getPrivate(), List.of(signingCertificate, caCertificate));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the mail-signing key at " + file, e);
        }
    }

    private static X509Certificate certificate(JcaX509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().setProvider(Crypto.provider()).getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(Crypto.provider()).build(issuerKey)));
    }
}
