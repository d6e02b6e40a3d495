package io.certdesk.authority;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;

/** Random positive serial numbers with 127 bits of entropy (CA/Browser Forum asks for at least 64). */
public final class SerialNumbers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SerialNumbers() {
    }

    public static BigInteger next() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, RANDOM);
        } while (serial.bitLength() < 64);
        return serial;
    }

    /** Upper-case hex without separators, as {@code openssl x509 -serial} prints it. */
    public static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }
}
