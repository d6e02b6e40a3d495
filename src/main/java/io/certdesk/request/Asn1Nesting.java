package io.certdesk.request;

/**
 * How deeply ASN.1 data nests, read without recursion. BouncyCastle's parser recurses once per constructed level,
 * so a few tens of kilobytes of {@code 30 80 30 80 ...} (BER, indefinite lengths) overflow the stack of whatever
 * thread reads them: an attachment or an EST body is measured here first. Keys, CSRs and certificates nest fewer
 * than a dozen levels.
 */
public final class Asn1Nesting {

    /** Far beyond any CSR, key or certificate, far below a thread's stack. */
    public static final int MAX_DEPTH = 32;

    private Asn1Nesting() {
    }

    /**
     * Whether the data's constructed values nest at most {@code maxDepth} levels. Tags and lengths are walked as far
     * as they make sense; damaged data past that point is left to the parser, which refuses it.
     */
    public static boolean within(byte[] data, int maxDepth) {
        // the end offset of each open constructed value; -1 for an indefinite length, closed by 00 00
        long[] ends = new long[maxDepth + 1];
        int depth = 0;
        int at = 0;
        while (at < data.length) {
            while (depth > 0 && ends[depth - 1] >= 0 && at >= ends[depth - 1]) {
                depth--;
            }
            if (depth > 0 && ends[depth - 1] < 0 && at + 1 < data.length && data[at] == 0 && data[at + 1] == 0) {
                depth--;  // end-of-contents of an indefinite length
                at += 2;
                continue;
            }
            int tag = data[at++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                while (at < data.length && (data[at] & 0x80) != 0) {
                    at++;
                }
                at++;
            }
            if (at >= data.length) {
                return true;
            }
            int first = data[at++] & 0xff;
            long length;
            if (first == 0x80) {
                length = -1;
            } else if (first < 0x80) {
                length = first;
            } else {
                int octets = first & 0x7f;
                if (octets > 4 || at + octets > data.length) {
                    return true;  // no valid length: the parser refuses it
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (data[at++] & 0xff);
                }
            }
            boolean constructed = (tag & 0x20) != 0;
            if (constructed) {
                if (depth == maxDepth) {
                    return false;
                }
                ends[depth++] = length < 0 ? -1 : at + length;
            } else if (length < 0) {
                return true;  // a primitive cannot have an indefinite length: the parser refuses it
            } else {
                at += (int) Math.min(length, data.length - at);
            }
        }
        return true;
    }
}
