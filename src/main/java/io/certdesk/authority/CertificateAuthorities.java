package io.certdesk.authority;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CAs of every configured environment. Each environment has one issuing CA, which signs every new certificate,
 * and after a rollover the CAs before it: trusted beside the new one during the overlap, and publishing their CRL
 * and answering OCSP until the last certificate they signed has expired.
 * <p>
 * Generation 1 is the configured CA, loaded at start-up: in embedded mode a missing one is created under
 * {@code <data-dir>/ca/}; in production mode a missing keystore or password stops the start. An environment with
 * {@code pkcs11.library} set signs with a key in a PKCS#11 token, in either mode. Later generations are made by a
 * rollover ({@link #createGeneration}) and installed by whoever keeps their record ({@link #install}).
 */
public final class CertificateAuthorities {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthorities.class);
    private static final String ALIAS = "ca";

    /**
     * One of an environment's CAs and how long it is used.
     *
     * @param ca           the CA
     * @param trustedUntil null for the issuing CA; for an older one, the end of its overlap: until then trust
     *                     bundles, the validator and the mTLS listeners accept the certificates it signed
     * @param servesUntil  for an older CA, until when it publishes its CRL and answers OCSP: the expiry of the last
     *                     certificate it signed (never before the end of the overlap)
     */
    public record Generation(CertificateAuthority ca, Instant trustedUntil, Instant servesUntil) {

        public boolean issuing() {
            return trustedUntil == null;
        }

        public boolean trustedAt(Instant now) {
            return issuing() || now.isBefore(trustedUntil);
        }

        public boolean servesAt(Instant now) {
            return trustedAt(now) || servesUntil != null && now.isBefore(servesUntil);
        }
    }

    /** A new generation's CA, with its key as a PKCS#12 keystore when it is a software key (null in a token). */
    public record NewGeneration(CertificateAuthority ca, byte[] pkcs12, String tokenKeyLabel) {
    }

    private final AuthoritySettings settings;
    private final Clock clock;
    private final Map<String, CertificateAuthority> configured = new LinkedHashMap<>();
    private final Map<String, char[]> passwords = new ConcurrentHashMap<>();
    private final Map<String, List<Generation>> generations = new ConcurrentHashMap<>();
    private final Map<String, String> withheld = new ConcurrentHashMap<>();

    public CertificateAuthorities(AuthoritySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        settings.environments().forEach((name, ca) -> {
            CertificateAuthority loaded = loadOrCreate(name, ca);
            configured.put(name, loaded);
            generations.put(name, List.of(new Generation(loaded, null, null)));
        });
    }

    public Set<String> environments() {
        return configured.keySet();
    }

    /**
     * The environment's issuing CA: the one that signs every new certificate. Refused while the issuing
     * generation on record cannot be used on this node (see {@link #withhold}).
     */
    public CertificateAuthority get(String environment) {
        List<Generation> known = generationsOf(environment);
        String reason = withheld.get(environment);
        if (reason != null) {
            throw new IllegalStateException("environment '" + environment + "' has no issuing CA on this node: " + reason);
        }
        return known.get(0).ca();
    }

    /** Why the environment cannot issue on this node, or null. */
    public String withheldReason(String environment) {
        return withheld.get(environment);
    }

    /** The environment's CA as configured (generation 1), whatever generation issues now. */
    public CertificateAuthority configured(String environment) {
        generationsOf(environment);
        return configured.get(environment);
    }

    /** Every generation known, the issuing one first, then the older ones, newest first. */
    public List<Generation> generations(String environment) {
        return generationsOf(environment);
    }

    /** The CAs whose certificates are accepted now: the issuing CA first, then older ones within their overlap. */
    public List<CertificateAuthority> trusted(String environment) {
        Instant now = clock.instant();
        return generationsOf(environment).stream().filter(g -> g.trustedAt(now)).map(Generation::ca).toList();
    }

    /** The CAs that publish a CRL and answer OCSP now: every trusted one, and older ones with unexpired certificates. */
    public List<CertificateAuthority> serving(String environment) {
        Instant now = clock.instant();
        return generationsOf(environment).stream().filter(g -> g.servesAt(now)).map(Generation::ca).toList();
    }

    public Optional<CertificateAuthority> generation(String environment, int number) {
        return generationsOf(environment).stream().map(Generation::ca).filter(ca -> ca.generation() == number).findFirst();
    }

    /** Which of the environment's CAs (any generation) signed the certificate, if one did. */
    public Optional<CertificateAuthority> signerOf(String environment, X509Certificate certificate) {
        return generationsOf(environment).stream().map(Generation::ca)
                .filter(ca -> ca.certificate().getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))
                .filter(ca -> ca.signed(certificate))
                .findFirst();
    }

    /**
     * Replaces the environment's generations. Exactly one must be issuing; the configured CA stays generation 1
     * whatever the list says of it.
     */
    public void install(String environment, List<Generation> known) {
        generationsOf(environment);
        if (known.stream().filter(Generation::issuing).count() != 1) {
            throw new IllegalArgumentException("environment '" + environment + "' needs exactly one issuing CA");
        }
        withheld.remove(environment);
        List<Generation> ordered = new ArrayList<>(known);
        ordered.sort((a, b) -> a.issuing() != b.issuing() ? (a.issuing() ? -1 : 1)
                : Integer.compare(b.ca().generation(), a.ca().generation()));
        int before = get(environment).generation();
        generations.put(environment, List.copyOf(ordered));
        if (ordered.get(0).ca().generation() != before) {
            log.info("environment '{}' now issues from CA generation {} ({}), SHA-256 fingerprint {}", environment,
                    ordered.get(0).ca().generation(), ordered.get(0).ca().certificate().getSubjectX500Principal().getName(),
                    ordered.get(0).ca().sha256Fingerprint());
        }
    }

    /**
     * The issuing generation on record cannot be used on this node (its key cannot be opened, or the record names
     * more than one): nothing is signed for the environment until it can (signing jobs fail and retry, health is
     * down), and the older generations are trusted only as their record says.
     */
    public void withhold(String environment, List<Generation> older, String reason) {
        generationsOf(environment);
        if (older.stream().anyMatch(Generation::issuing)) {
            throw new IllegalArgumentException("withheld generations cannot be issuing");
        }
        if (withheld.put(environment, reason) == null) {
            log.error("environment '{}' cannot issue on this node: {}", environment, reason);
        }
        if (!older.isEmpty()) {
            generations.put(environment, List.copyOf(older));
        }
    }

    /** What a certificate for this environment would be, in words for the approver. */
    public String describeIssuance(String environment, boolean rsaKey) {
        CertificateAuthority ca = get(environment);
        return "client certificate (extendedKeyUsage clientAuth; keyUsage digitalSignature" + (rsaKey ? ", keyEncipherment" : "")
                + "), valid " + settings.validity().toDays() + " days, signed " + ca.signatureAlgorithm()
                + " by " + ca.certificate().getSubjectX500Principal().getName();
    }

    /** The profile of the environment's issuing CA. */
    public IssuanceProfile profile(String environment) {
        return profile(get(environment));
    }

    /**
     * The profile of one CA: its certificates name its own CRL ({@code /pki/<env>/crl} for generation 1, as
     * before any rollover; {@code /pki/<env>/crl/<generation>} after) and the environment's OCSP responder, which
     * answers for every generation.
     */
    public IssuanceProfile profile(CertificateAuthority ca) {
        String base = settings.publicUrl() + "/pki/" + ca.environment();
        return new IssuanceProfile(settings.validity(), settings.backdate(), crlPath(base, ca), base + "/ocsp");
    }

    private static String crlPath(String base, CertificateAuthority ca) {
        return ca.generation() == 1 ? base + "/crl" : base + "/crl/" + ca.generation();
    }

    /** The subject of a new generation: the configured subject with " G<n>" after its common name. */
    public String subjectOfGeneration(String environment, int number) {
        X500Name configuredName = new X500Name(settingsOf(environment).subject());
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        boolean named = false;
        for (RDN rdn : configuredName.getRDNs()) {
            AttributeTypeAndValue first = rdn.getFirst();
            if (!named && BCStyle.CN.equals(first.getType())) {
                builder.addRDN(BCStyle.CN, IETFUtils.valueToString(first.getValue()) + " G" + number);
                named = true;
            } else {
                builder.addMultiValuedRDN(rdn.getTypesAndValues());
            }
        }
        if (!named) {
            builder.addRDN(BCStyle.CN, environment + " CA G" + number);
        }
        return builder.build().toString();
    }

    /**
     * Makes the key and self-signed certificate of a new generation: in the environment's PKCS#11 token under
     * {@code <key-label>-g<n>} when the environment's CA is in a token, else a software key returned as a PKCS#12
     * keystore encrypted with the environment's CA password. Nothing is installed.
     */
    public NewGeneration createGeneration(String environment, int number) {
        AuthoritySettings.Ca ca = settingsOf(environment);
        String subject = subjectOfGeneration(environment, number);
        if (ca.inToken()) {
            String label = ca.pkcs11().keyLabel() + "-g" + number;
            Pkcs11Settings token = ca.pkcs11().withKeyLabel(label).withoutCertificateFile();
            Pkcs11Authority.createCa(environment, token, ca.keyType(), subject, ca.validity());
            return new NewGeneration(Pkcs11Authority.open(environment, token).asGeneration(number), null, label);
        }
        char[] password = passwordOf(environment);
        KeyPair keyPair = ca.keyType().generateKeyPair();
        try {
            X509Certificate certificate = CaKeystore.selfSigned(keyPair.getPublic(), new JcaContentSignerBuilder(
                    ca.keyType().signatureAlgorithm()).setProvider(Crypto.provider()).build(keyPair.getPrivate()), subject, ca.validity());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new Certificate[]{certificate});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return new NewGeneration(new CertificateAuthority(environment, number, certificate,
                    new SoftwareSigner(environment, keyPair.getPrivate())), out.toByteArray(), null);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("environment '" + environment + "': cannot make CA generation " + number + ": "
                    + e.getMessage(), e);
        }
    }

    /** Opens a generation made by {@link #createGeneration}, from its keystore or its key label on the token. */
    public CertificateAuthority openGeneration(String environment, int number, X509Certificate certificate, byte[] pkcs12,
                                               String tokenKeyLabel) {
        AuthoritySettings.Ca ca = settingsOf(environment);
        if (tokenKeyLabel != null) {
            if (!ca.inToken()) {
                throw new IllegalStateException("environment '" + environment + "': CA generation " + number
                        + " is in a PKCS#11 token, but no token is configured");
            }
            CertificateAuthority opened = Pkcs11Authority.open(environment, ca.pkcs11().withKeyLabel(tokenKeyLabel).withoutCertificateFile());
            if (!opened.certificate().equals(certificate)) {
                throw new IllegalStateException("environment '" + environment + "': key '" + tokenKeyLabel
                        + "' on the token does not hold the certificate of CA generation " + number);
            }
            return opened.asGeneration(number);
        }
        char[] password = passwordOf(environment);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(pkcs12), password);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, password);
            CertificateAuthority opened = new CertificateAuthority(environment, number, certificate, new SoftwareSigner(environment, key));
            if (!opened.certificate().getPublicKey().equals(store.getCertificate(ALIAS).getPublicKey())) {
                throw new IllegalStateException("the stored key does not belong to the stored certificate");
            }
            return opened;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("environment '" + environment + "': cannot open CA generation " + number
                    + " (was the CA password changed?): " + e.getMessage(), e);
        }
    }

    private List<Generation> generationsOf(String environment) {
        List<Generation> known = generations.get(environment);
        if (known == null) {
            throw new UnknownEnvironmentException(environment, configured.keySet());
        }
        return known;
    }

    private AuthoritySettings.Ca settingsOf(String environment) {
        generationsOf(environment);
        return settings.environments().get(environment);
    }

    private char[] passwordOf(String environment) {
        char[] password = passwords.get(environment);
        if (password == null) {
            throw new IllegalStateException("environment '" + environment + "' has no CA password to protect the key of a "
                    + "new CA generation; set CERTDESK_ENVIRONMENTS_" + environment.toUpperCase(Locale.ROOT) + "_CA_PASSWORD");
        }
        return password;
    }

    private CertificateAuthority loadOrCreate(String name, AuthoritySettings.Ca ca) {
        if (ca.password() != null && !ca.password().isBlank()) {
            passwords.put(name, ca.password().toCharArray());
        }
        if (ca.inToken()) {
            CertificateAuthority loaded = Pkcs11Authority.open(name, ca.pkcs11());
            log.info("CA of environment '{}' signs through {}, SHA-256 fingerprint {}", name, loaded.signer().description(),
                    loaded.sha256Fingerprint());
            return loaded;
        }
        Path keystore = ca.keystore() == null || ca.keystore().isBlank()
                ? settings.dataDir().resolve("ca").resolve(name + "-ca.p12")
                : Path.of(ca.keystore());
        Path passwordFile = keystore.resolveSibling(keystore.getFileName() + ".password");
        boolean hasPassword = passwords.containsKey(name);
        if (!settings.embedded()) {
            if (!hasPassword) {
                throw new IllegalStateException("production mode: no password for the '" + name + "' CA keystore; set "
                        + "CERTDESK_ENVIRONMENTS_" + name.toUpperCase(Locale.ROOT) + "_CA_PASSWORD");
            }
            if (!Files.isReadable(keystore)) {
                throw new IllegalStateException("production mode: the '" + name + "' CA keystore " + keystore
                        + " does not exist or cannot be read; set certdesk.environments." + name + ".ca-keystore");
            }
            return CaKeystore.load(name, keystore, passwords.get(name));
        }
        try {
            char[] password;
            if (hasPassword) {
                password = passwords.get(name);
            } else {
                password = GeneratedPasswords.readOrCreate(passwordFile);
            }
            passwords.put(name, password);
            if (Files.exists(keystore)) {
                return CaKeystore.load(name, keystore, password);
            }
            log.info("Creating development CA for environment '{}' ({}) at {}", name, ca.keyType(), keystore);
            CertificateAuthority created = CaKeystore.create(name, keystore, password, ca.keyType(), ca.subject(), ca.validity());
            log.info("Development CA '{}' created, SHA-256 fingerprint {}", name, created.sha256Fingerprint());
            return created;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the development CA of '" + name + "' under " + keystore.getParent(), e);
        }
    }
}
