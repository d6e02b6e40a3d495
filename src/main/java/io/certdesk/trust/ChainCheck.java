package io.certdesk.trust;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.certdesk.authority.Fingerprints;
import io.certdesk.request.Quoted;
import io.certdesk.trust.chain.CaBasicConstraintsRule;
import io.certdesk.trust.chain.ChainLink;
import io.certdesk.trust.chain.ChainRule;
import io.certdesk.trust.chain.ChainSettings;
import io.certdesk.trust.chain.ClientAuthenticationRule;
import io.certdesk.trust.chain.KeyCertSignRule;
import io.certdesk.trust.chain.KeyStrengthRule;
import io.certdesk.trust.chain.NameRule;
import io.certdesk.trust.chain.SelfSignedClientCertificateRule;
import io.certdesk.trust.chain.SignatureHashRule;
import io.certdesk.trust.chain.ValidityRule;

/**
 * Checks a partner's chain (leaf, intermediates, root) as a relying party would, and reports every problem at
 * once: here what the path is (no certificate, only CAs, several client certificates, a missing or wrong issuer),
 * and for each certificate on it the rules of {@code trust.chain}, one class each (an expired CA, a certificate
 * that is no CA, a self-signed client certificate, weak keys, SHA-1, a leaf not meant for client authentication).
 */
public final class ChainCheck {

    /** The path from the leaf to its root, and what is wrong with it. */
    public record Result(X509Certificate leaf, List<X509Certificate> cas, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty() && leaf != null;
        }
    }

    /** The most CAs followed from the client certificate up to a root. */
    static final int MAX_DEPTH = 10;

    /** The most certificates a chain may hold: the client certificate and its CAs. */
    public static final int MAX_CERTIFICATES = MAX_DEPTH + 1;

    private ChainCheck() {
    }

    /** The rules every certificate of the path is checked by, in the order their problems are listed. */
    static final List<ChainRule> RULES = List.of(new NameRule(), new SelfSignedClientCertificateRule(), new CaBasicConstraintsRule(),
            new KeyCertSignRule(), new ValidityRule(), new KeyStrengthRule(), new SignatureHashRule(), new ClientAuthenticationRule());

    public static Result check(List<X509Certificate> certificates, Instant now, int rsaMinBits, List<String> allowedCurveSizes) {
        List<String> problems = new ArrayList<>();
        List<X509Certificate> leaves = certificates.stream().filter(c -> c.getBasicConstraints() < 0).toList();
        if (certificates.isEmpty()) {
            return new Result(null, List.of(), List.of("The mail holds no certificate."));
        }
        if (certificates.size() > MAX_CERTIFICATES) {
            // checked before any signature: each certificate named like an issuer would cost a verification per level
            return new Result(null, List.of(), List.of("The mail holds " + certificates.size() + " certificates; a chain has at most "
                    + MAX_CERTIFICATES + ": your client certificate and the CAs that issued it, up to the root (at most "
                    + MAX_DEPTH + "). Send only those, in one mail per chain."));
        }
        if (leaves.isEmpty()) {
            problems.add("Only CA certificates were sent (" + names(certificates) + "): a CA certificate cannot be used as the "
                    + "client certificate. Send your client certificate together with the CA certificates that issued it.");
            return new Result(null, List.of(), problems);
        }
        if (leaves.size() > 1) {
            problems.add("The mail holds " + leaves.size() + " client certificates (" + names(leaves) + "); send one chain per mail.");
        }
        X509Certificate leaf = leaves.get(0);
        Date date = Date.from(now);
        ChainSettings settings = new ChainSettings(rsaMinBits, allowedCurveSizes);
        check(ChainLink.clientCertificate(leaf, date), settings, problems);
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = leaf;
        for (int depth = 0; depth < MAX_DEPTH && !selfSigned(current); depth++) {
            X509Certificate issuer = findIssuer(current, certificates);
            if (issuer == null) {
                X509Certificate child = current;
                X509Certificate sameName = certificates.stream()
                        .filter(c -> c != child && c.getSubjectX500Principal().equals(child.getIssuerX500Principal())).findFirst().orElse(null);
                problems.add(sameName == null
                        ? "The CA certificate that issued " + shown(child) + " is missing: add " + Quoted.of(child.getIssuerX500Principal().getName()) + "."
                        : !ChainLink.worthVerifying(sameName.getPublicKey())
                        ? shown(sameName) + " has a key certdesk checks no signature with (RSA beyond 8192 bits or with a public exponent "
                                + "of 1, even, or beyond 2^32, DSA, or another algorithm): a partner CA needs an RSA key with the exponent 65537 or an EC key."
                        : shown(child) + " is not signed by " + shown(sameName) + " although it names it as issuer.");
                break;
            }
            path.add(issuer);
            check(ChainLink.ca(issuer, path.size() - 1, date), settings, problems);
            current = issuer;
        }
        return new Result(leaf, List.copyOf(path), List.copyOf(problems));
    }

    private static void check(ChainLink link, ChainSettings settings, List<String> problems) {
        for (ChainRule rule : RULES) {
            rule.check(link, settings, problems);
        }
    }

    private static X509Certificate findIssuer(X509Certificate child, List<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate != child && candidate.getSubjectX500Principal().equals(child.getIssuerX500Principal())
                    && ChainLink.signedBy(child, candidate.getPublicKey())) {
                return candidate;
            }
        }
        return null;
    }

    static boolean selfSigned(X509Certificate c) {
        return ChainLink.selfSigned(c);
    }

    public static String name(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private static String names(List<X509Certificate> certificates) {
        return String.join("; ", certificates.stream().limit(10).map(ChainCheck::shown).toList());
    }

    /** A certificate's subject as replies quote it: the sender chose it, so it is shown briefly, in quotes. */
    static String shown(X509Certificate c) {
        return ChainLink.shown(c);
    }

    public static String fingerprint(X509Certificate c) {
        try {
            return Fingerprints.sha256Colon(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
