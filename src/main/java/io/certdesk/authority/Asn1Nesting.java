package io.certdesk.authority;

/**
 * How deeply ASN.1 data nests, read without recursion. BouncyCastle's and the JDK's parsers recurse once per
 * constructed level, so a few tens of kilobytes of {@code 30 80 30 80 ...} (BER, indefinite lengths) overflow the
 * stack of whatever thread reads them: an attachment, an EST body or an OCSP request is measured here first. Keys,
 * CSRs and certificates nest fewer than a dozen levels. Where parsers parse again what a BIT STRING or OCTET STRING
 * holds (a public key, a PKCS#8 key, an extension), that is measured too, counting on from the string's own depth.
 */
public final class Asn1Nesting {

    /** Far beyond any CSR, key or certificate, far below a thread's stack. */
    public static final int MAX_DEPTH = 32;

    private static final int OCTET_STRING = 0x04;
    private static final int BIT_STRING = 0x03;

    /** What {@link #walk} returns instead of the end of a well-formed value. */
    private static final long MALFORMED = -1;
    private static final long TOO_DEEP = -2;

    private Asn1Nesting() {
    }

    /**
     * Whether the data's first ASN.1 value (what follows it is not read) is well formed, as BouncyCastle decodes tags
     * and lengths, and nests at most {@code maxDepth} levels. Anything it cannot walk counts as not within: fail closed.
     */
    public static boolean within(byte[] data, int maxDepth) {
        return data != null && walk(data, 0, data.length, 0, maxDepth) >= 0;
    }

    /**
     * The same for every value of the data, one after the other to its end: for readers that read them all (the
     * JDK's certificate factory reads every certificate of a DER file).
     */
    public static boolean everyValueWithin(byte[] data, int maxDepth) {
        if (data == null || data.length == 0) {
            return false;
        }
        int at = 0;
        while (at < data.length) {
            long end = walk(data, at, data.length, 0, maxDepth);
            if (end < 0) {
                return false;
            }
            at = (int) end;
        }
        return true;
    }

    /**
     * Walks the first value in {@code [from, to)}, starting {@code base} levels deep, and returns where it ends, or
     * {@link #MALFORMED} or {@link #TOO_DEEP}. It recurses only into strings' contents, at most maxDepth times.
     */
    private static long walk(byte[] data, int from, int to, int base, int maxDepth) {
        // the end offset of each open constructed value; -1 for an indefinite length, closed by 00 00
        long[] ends = new long[maxDepth + 1];
        int depth = 0;
        int at = from;
        do {
            while (depth > 0 && ends[depth - 1] >= 0 && at == ends[depth - 1]) {
                depth--;
            }
            if (depth == 0 && at > from) {
                return at;
            }
            if (depth > 0 && ends[depth - 1] >= 0 && at > ends[depth - 1]) {
                return MALFORMED;  // a value ran past the end of the one holding it
            }
            if (at + 2 > to) {
                return MALFORMED;
            }
            if (depth > 0 && ends[depth - 1] < 0 && data[at] == 0 && data[at + 1] == 0) {
                at += 2;  // end-of-contents of an indefinite length
                depth--;
                if (depth == 0) {
                    return at;
                }
                continue;
            }
            int tag = data[at++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                int octets = 0;
                while (at < to && (data[at] & 0x80) != 0) {
                    at++;
                    if (++octets > 4) {
                        return MALFORMED;
                    }
                }
                at++;
            }
            if (at >= to) {
                return MALFORMED;
            }
            int first = data[at++] & 0xff;
            long length;
            if (first == 0x80) {
                length = -1;
            } else if (first < 0x80) {
                length = first;
            } else if (first == 0xff) {
                return MALFORMED;
            } else {
                // any number of length octets, as long as the value fits in 31 bits (leading zeros allowed)
                int octets = first & 0x7f;
                length = 0;
                for (int i = 0; i < octets; i++) {
                    if (at >= to || (length >>> 23) != 0) {
                        return MALFORMED;
                    }
                    length = (length << 8) | (data[at++] & 0xff);
                }
            }
            boolean constructed = (tag & 0x20) != 0;
            if (constructed) {
                if (base + depth >= maxDepth) {
                    return TOO_DEEP;
                }
                if (length >= 0 && at + length > to) {
                    return MALFORMED;
                }
                ends[depth++] = length < 0 ? -1 : at + length;
                continue;
            }
            if (length < 0 || at + length > to) {
                return MALFORMED;  // a primitive has a definite length within the data
            }
            int contents = at;
            at += (int) length;
            // what a string holds may be parsed again (a key in a BIT STRING, a PKCS#8 key or an extension in an
            // OCTET STRING): if it is ASN.1, it must nest within what is left
            int inner = tag == BIT_STRING ? contents + 1 : contents;
            if ((tag == OCTET_STRING || tag == BIT_STRING) && inner < at && (data[inner] & 0x20) != 0
                    && walk(data, inner, at, base + depth + 1, maxDepth) == TOO_DEEP) {
                return TOO_DEEP;
            }
        } while (depth > 0);
        return at;
    }
}
