package io.certdesk.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.Pkcs11Authority;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The key ceremony for a CA in a PKCS#11 token, run instead of certdesk:
 * {@code java -jar certdesk.jar --certdesk.ca-ceremony.environment=qa --certdesk.ca-ceremony.out=qa-ca.pem}
 * generates the environment's CA key inside its token, signs the self-signed CA certificate there, stores it on
 * the token under the key label, writes it as PEM and exits. Subject, key type and validity are the
 * environment's {@code ca-subject}, {@code ca-key-type} and {@code ca-validity} unless
 * {@code certdesk.ca-ceremony.subject} is given. Reads the same configuration as certdesk itself.
 */
public final class CaCeremony {

    static final String PREFIX = "--certdesk.ca-ceremony.";

    private CaCeremony() {
    }

    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(arg -> arg.startsWith(PREFIX));
    }

    /** Runs the ceremony; the exit status for the command line. */
    public static int run(String[] args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CaCeremony.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false).run(args)) {
            Environment environment = context.getEnvironment();
            String name = environment.getProperty("certdesk.ca-ceremony.environment");
            String out = environment.getProperty("certdesk.ca-ceremony.out");
            if (name == null || out == null) {
                System.err.println("set --certdesk.ca-ceremony.environment=<env> and --certdesk.ca-ceremony.out=<file.pem>");
                return 2;
            }
            CertdeskProperties properties = Binder.get(environment).bind("certdesk", CertdeskProperties.class)
                    .orElseThrow(() -> new IllegalStateException("no certdesk configuration"));
            CertdeskProperties.Environment settings = properties.environments().get(name);
            if (settings == null || !settings.inToken()) {
                System.err.println("environment '" + name + "' has no PKCS#11 token: set certdesk.environments." + name
                        + ".pkcs11.library, .token-label and .key-label");
                return 2;
            }
            String subject = environment.getProperty("certdesk.ca-ceremony.subject", settings.caSubject());
            X509Certificate certificate = Pkcs11Authority.createCa(name, settings.pkcs11(), settings.caKeyType(), subject,
                    settings.caValidity());
            Path file = Path.of(out);
            Files.writeString(file, Pem.encode(certificate));
            System.out.println("CA of environment '" + name + "': " + certificate.getSubjectX500Principal().getName()
                    + ", key '" + settings.pkcs11().keyLabel() + "' generated in token " + settings.pkcs11().tokenName()
                    + ", certificate stored on the token and written to " + file.toAbsolutePath()
                    + "\nSHA-256 fingerprint " + Fingerprints.sha256Colon(certificate.getEncoded()));
            return 0;
        } catch (Exception e) {
            System.err.println("key ceremony failed: " + e.getMessage());
            return 1;
        }
    }
}
