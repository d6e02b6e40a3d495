package io.certdesk.authority;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the two spellings clients compare against: colon hex and openssl dgst's lower-case hex. */
public final class Fingerprints {

    private Fingerprints() {
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code 0C:FD:52:...}, as the CA download page and {@code openssl x509 -fingerprint -sha256} show it. */
    public static String sha256Colon(byte[] data) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(data));
    }

    /** Lower-case hex, as {@code openssl dgst -sha256} prints it. */
    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }
}
