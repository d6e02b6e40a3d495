package io.certdesk.trust;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import io.certdesk.authority.Fingerprints;
import io.certdesk.request.Quoted;

/**
 * Checks a partner's chain (leaf, intermediates, root) as a relying party would, and reports every problem at
 * once: a missing or wrong issuer, an expired CA, a certificate that is no CA, a self-signed or CA certificate
 * offered as the client certificate, weak keys, SHA-1, a leaf not meant for client authentication.
 */
public final class ChainCheck {

    /** The path from the leaf to its root, and what is wrong with it. */
    public record Result(X509Certificate leaf, List<X509Certificate> cas, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty() && leaf != null;
        }
    }

    private ChainCheck() {
    }

    public static Result check(List<X509Certificate> certificates, Instant now, int rsaMinBits, List<String> allowedCurveSizes) {
        List<String> problems = new ArrayList<>();
        List<X509Certificate> leaves = certificates.stream().filter(c -> c.getBasicConstraints() < 0).toList();
        if (certificates.isEmpty()) {
            return new Result(null, List.of(), List.of("The mail holds no certificate."));
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
        if (selfSigned(leaf)) {
            problems.add("The client certificate " + shown(leaf) + " is self-signed: it must be issued by a CA.");
        }
        checkValidity(leaf, "The client certificate", date, problems);
        checkKey(leaf, rsaMinBits, allowedCurveSizes, problems);
        checkSignatureHash(leaf, problems);
        String usage = ClientAuthUsage.problem(leaf);
        if (usage != null) {
            problems.add("The client certificate " + shown(leaf) + " is not for client authentication (" + usage + ").");
        }
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = leaf;
        for (int depth = 0; depth < 10 && !selfSigned(current); depth++) {
            X509Certificate issuer = findIssuer(current, certificates);
            if (issuer == null) {
                X509Certificate child = current;
                X509Certificate sameName = certificates.stream()
                        .filter(c -> c != child && c.getSubjectX500Principal().equals(child.getIssuerX500Principal())).findFirst().orElse(null);
                problems.add(sameName == null
                        ? "The CA certificate that issued " + shown(child) + " is missing: add " + Quoted.of(child.getIssuerX500Principal().getName()) + "."
                        : shown(child) + " is not signed by " + shown(sameName) + " although it names it as issuer.");
                break;
            }
            path.add(issuer);
            int below = path.size() - 1;
            checkCa(issuer, below, date, problems);
            checkKey(issuer, rsaMinBits, allowedCurveSizes, problems);
            if (!selfSigned(issuer)) {
                checkSignatureHash(issuer, problems);
            }
            current = issuer;
        }
        return new Result(leaf, List.copyOf(path), List.copyOf(problems));
    }

    private static void checkCa(X509Certificate ca, int intermediatesBelow, Date date, List<String> problems) {
        if (ca.getBasicConstraints() < 0) {
            problems.add(shown(ca) + " signs other certificates but is not a CA (basicConstraints CA:FALSE or missing).");
        } else if (ca.getBasicConstraints() < intermediatesBelow) {
            problems.add(shown(ca) + " allows " + ca.getBasicConstraints() + " CA(s) below it (pathlen) but has " + intermediatesBelow + ".");
        }
        boolean[] usage = ca.getKeyUsage();
        if (usage != null && (usage.length < 6 || !usage[5])) {
            problems.add(shown(ca) + " may not sign certificates (key usage lacks keyCertSign).");
        }
        checkValidity(ca, "The CA certificate", date, problems);
    }

    private static void checkValidity(X509Certificate c, String what, Date date, List<String> problems) {
        if (date.after(c.getNotAfter())) {
            problems.add(what + " " + shown(c) + " expired on " + c.getNotAfter().toInstant() + ".");
        } else if (date.before(c.getNotBefore())) {
            problems.add(what + " " + shown(c) + " is not valid before " + c.getNotBefore().toInstant() + ".");
        }
    }

    private static void checkKey(X509Certificate c, int rsaMinBits, List<String> allowedCurveSizes, List<String> problems) {
        PublicKey key = c.getPublicKey();
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < rsaMinBits) {
            problems.add(shown(c) + " has an RSA key of " + rsa.getModulus().bitLength() + " bits; at least " + rsaMinBits + " are required.");
        } else if (key instanceof ECPublicKey ec
                && !allowedCurveSizes.contains(String.valueOf(ec.getParams().getCurve().getField().getFieldSize()))) {
            problems.add(shown(c) + " has an EC key on a curve that is not accepted.");
        }
    }

    private static void checkSignatureHash(X509Certificate c, List<String> problems) {
        String algorithm = c.getSigAlgName().toUpperCase(Locale.ROOT);
        if (algorithm.contains("SHA1") || algorithm.contains("MD5")) {
            problems.add(shown(c) + " is signed with " + c.getSigAlgName() + "; SHA-1 and MD5 are not accepted.");
        }
    }

    private static X509Certificate findIssuer(X509Certificate child, List<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate != child && candidate.getSubjectX500Principal().equals(child.getIssuerX500Principal())) {
                try {
                    child.verify(candidate.getPublicKey());
                    return candidate;
                } catch (Exception notThisOne) {
                    // same name, other key
                }
            }
        }
        return null;
    }

    static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public static String name(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private static String names(List<X509Certificate> certificates) {
        return String.join("; ", certificates.stream().limit(10).map(ChainCheck::shown).toList());
    }

    /** A certificate's subject as replies quote it: the sender chose it, so it is shown briefly, in quotes. */
    static String shown(X509Certificate c) {
        return Quoted.of(name(c));
    }

    public static String fingerprint(X509Certificate c) {
        try {
            return Fingerprints.sha256Colon(c.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
