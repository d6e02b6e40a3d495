package io.certdesk.trust.chain;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Date;

import io.certdesk.authority.Crypto;
import io.certdesk.request.Quoted;

/**
 * One certificate of a partner chain as the rules see it: the certificate, its place on the path from the client
 * certificate (depth 0) to the root, and when the check is made.
 */
public record ChainLink(X509Certificate certificate, int depth, Date now) {

    public static ChainLink clientCertificate(X509Certificate certificate, Date now) {
        return new ChainLink(certificate, 0, now);
    }

    /** A CA on the path, with the number of intermediate CAs between it and the client certificate. */
    public static ChainLink ca(X509Certificate certificate, int intermediatesBelow, Date now) {
        return new ChainLink(certificate, intermediatesBelow + 1, now);
    }

    public boolean isClientCertificate() {
        return depth == 0;
    }

    /** How many CAs of the path sit between this CA and the client certificate. */
    public int intermediatesBelow() {
        return depth - 1;
    }

    public boolean selfSigned() {
        return selfSigned(certificate);
    }

    /** The certificate's subject as replies quote it: the sender chose it, so it is shown briefly, in quotes. */
    public String shown() {
        return shown(certificate);
    }

    /** The largest RSA modulus whose signatures a chain check verifies: the largest key certdesk accepts anywhere. */
    static final int MAX_VERIFIED_RSA_BITS = Crypto.MAX_VERIFIED_RSA_BITS;

    public static boolean selfSigned(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, c.getPublicKey());
    }

    /**
     * Whether {@code issuerKey} made the certificate's signature. A key no partner CA would have is not tried: an RSA
     * key beyond {@value #MAX_VERIFIED_RSA_BITS} bits or with an exponent of 1, even or beyond 2^32, a DSA key, an unknown
     * algorithm. One verification with such a key costs up to tens of milliseconds, and a mail can carry thousands
     * of certificates named like the issuer.
     */
    public static boolean signedBy(X509Certificate c, PublicKey issuerKey) {
        if (!worthVerifying(issuerKey) || !Crypto.signatureParametersBounded(c)) {
            return false;
        }
        try {
            c.verify(issuerKey);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public static boolean worthVerifying(PublicKey key) {
        return Crypto.signaturesCheckable(key);
    }

    public static String shown(X509Certificate c) {
        return Quoted.of(c.getSubjectX500Principal().getName());
    }
}
