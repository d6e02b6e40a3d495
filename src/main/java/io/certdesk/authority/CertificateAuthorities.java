package io.certdesk.authority;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.certdesk.config.CertdeskProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The CA of every configured environment, loaded once at start-up. In embedded mode a missing CA is created
 * under {@code <data-dir>/ca/}; in production mode a missing keystore or password stops the start. An
 * environment with {@code pkcs11.library} set signs with a key in a PKCS#11 token, in either mode.
 */
@Component
public class CertificateAuthorities {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthorities.class);

    private final Map<String, CertificateAuthority> byEnvironment = new LinkedHashMap<>();
    private final CertdeskProperties properties;

    public CertificateAuthorities(CertdeskProperties properties) {
        this.properties = properties;
        properties.environments().forEach((name, settings) -> byEnvironment.put(name, loadOrCreate(name, settings)));
    }

    public Set<String> environments() {
        return byEnvironment.keySet();
    }

    public CertificateAuthority get(String environment) {
        CertificateAuthority ca = byEnvironment.get(environment);
        if (ca == null) {
            throw new UnknownEnvironmentException(environment, byEnvironment.keySet());
        }
        return ca;
    }

    /** What a certificate for this environment would be, in words for the approver. */
    public String describeIssuance(String environment, boolean rsaKey) {
        CertificateAuthority ca = get(environment);
        return "client certificate (extendedKeyUsage clientAuth; keyUsage digitalSignature" + (rsaKey ? ", keyEncipherment" : "")
                + "), valid " + properties.issuance().validity().toDays() + " days, signed " + ca.signatureAlgorithm()
                + " by " + ca.certificate().getSubjectX500Principal().getName();
    }

    public IssuanceProfile profile(String environment) {
        return new IssuanceProfile(properties.issuance().validity(), properties.issuance().backdate(),
                properties.publicUrl() + "/pki/" + environment + "/crl", properties.publicUrl() + "/pki/" + environment + "/ocsp");
    }

    private CertificateAuthority loadOrCreate(String name, CertdeskProperties.Environment settings) {
        if (settings.inToken()) {
            CertificateAuthority ca = Pkcs11Authority.open(name, settings.pkcs11());
            log.info("CA of environment '{}' signs through {}, SHA-256 fingerprint {}", name, ca.signer().description(),
                    ca.sha256Fingerprint());
            return ca;
        }
        Path keystore = settings.caKeystore() == null || settings.caKeystore().isBlank()
                ? properties.dataDir().resolve("ca").resolve(name + "-ca.p12")
                : Path.of(settings.caKeystore());
        Path passwordFile = keystore.resolveSibling(keystore.getFileName() + ".password");
        boolean hasPassword = settings.caPassword() != null && !settings.caPassword().isBlank();
        if (!properties.embedded()) {
            if (!hasPassword) {
                throw new IllegalStateException("production mode: no password for the '" + name + "' CA keystore; set "
                        + "CERTDESK_ENVIRONMENTS_" + name.toUpperCase() + "_CA_PASSWORD");
            }
            if (!Files.isReadable(keystore)) {
                throw new IllegalStateException("production mode: the '" + name + "' CA keystore " + keystore
                        + " does not exist or cannot be read; set certdesk.environments." + name + ".ca-keystore");
            }
            return CaKeystore.load(name, keystore, settings.caPassword().toCharArray());
        }
        try {
            char[] password;
            if (hasPassword) {
                password = settings.caPassword().toCharArray();
            } else if (Files.exists(passwordFile)) {
                password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray();
            } else {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                Files.createDirectories(passwordFile.toAbsolutePath().getParent());
                Files.writeString(passwordFile, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
                CaKeystore.restrictToOwner(passwordFile);
                password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray();
            }
            if (Files.exists(keystore)) {
                return CaKeystore.load(name, keystore, password);
            }
            log.info("Creating development CA for environment '{}' ({}) at {}", name, settings.caKeyType(), keystore);
            CertificateAuthority ca = CaKeystore.create(name, keystore, password, settings.caKeyType(), settings.caSubject(),
                    settings.caValidity());
            log.info("Development CA '{}' created, SHA-256 fingerprint {}", name, ca.sha256Fingerprint());
            return ca;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the development CA of '" + name + "' under " + keystore.getParent(), e);
        }
    }
}
