package io.certdesk.request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.certdesk.authority.Asn1Nesting;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reads PKCS#10 requests in PEM (one or more blocks in any text) or DER form. */
public final class CsrParser {

    /** The largest CSR accepted: an RSA 8192 request with a long subject stays far below it. */
    public static final int MAX_CSR_BYTES = 64 * 1024;

    private static final List<String> BEGIN = List.of("-----BEGIN CERTIFICATE REQUEST-----", "-----BEGIN NEW CERTIFICATE REQUEST-----");
    private static final List<String> END = List.of("-----END CERTIFICATE REQUEST-----", "-----END NEW CERTIFICATE REQUEST-----");

    private CsrParser() {
    }

    /** True when the text holds at least one PEM CSR block header. */
    public static boolean containsPem(String text) {
        return text != null && text.contains("CERTIFICATE REQUEST-----");
    }

    /** Every PEM CSR block in the text, as DER; a block that is not valid base64 raises a format error. */
    public static List<byte[]> pemBlocks(String text) throws CsrFormatException {
        List<byte[]> blocks = new ArrayList<>();
        // each block from a BEGIN line to the first END line after it, found by plain search: a lazy pattern tried
        // from every BEGIN line to the end of the text took time growing with the square of the text for a file of
        // BEGIN lines without an END
        int from = 0;
        while (true) {
            int[] begin = first(text, BEGIN, from);
            if (begin == null) {
                break;
            }
            int[] end = first(text, END, begin[1]);
            if (end == null) {
                break;
            }
            from = end[1];
            String body = text.substring(begin[1], end[0]).replaceAll("\\s+", "");
            try {
                blocks.add(Base64.getDecoder().decode(body));
            } catch (IllegalArgumentException e) {
                throw new CsrFormatException("The PEM block is not valid base64: the CSR was damaged on its way "
                        + "(line breaks or characters changed). Attach the .csr file instead of pasting it.");
            }
        }
        if (blocks.isEmpty() && containsPem(text)) {
            throw new CsrFormatException("The CSR's PEM block is incomplete: its BEGIN or END line is missing.");
        }
        return blocks;
    }

    /** Where the first of {@code markers} in {@code text} from {@code from} starts and ends; null if none is there. */
    private static int[] first(String text, List<String> markers, int from) {
        int[] found = null;
        for (String marker : markers) {
            int at = text.indexOf(marker, from);
            if (at >= 0 && (found == null || at < found[0])) {
                found = new int[] {at, at + marker.length()};
            }
        }
        return found;
    }

    /** Parses one CSR, given as PEM text or DER bytes. */
    public static PKCS10CertificationRequest parse(byte[] data) throws CsrFormatException {
        if (data.length > MAX_CSR_BYTES) {
            throw new CsrFormatException("The CSR is " + data.length + " bytes long; a CSR is never over "
                    + MAX_CSR_BYTES + " bytes.");
        }
        String asText = new String(data, StandardCharsets.US_ASCII);
        byte[] der = data;
        if (containsPem(asText)) {
            List<byte[]> blocks = pemBlocks(asText);
            if (blocks.size() != 1) {
                throw new CsrFormatException("The file holds " + blocks.size() + " CSRs; send one CSR per mail.");
            }
            der = blocks.get(0);
        }
        return parseDer(der);
    }

    static PKCS10CertificationRequest parseDer(byte[] der) throws CsrFormatException {
        if (!Asn1Nesting.within(der, Asn1Nesting.MAX_DEPTH)) {
            throw new CsrFormatException("The CSR cannot be read: it is damaged or truncated, or its ASN.1 nests deeper than any CSR does.");
        }
        try {
            ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
            if (!(primitive instanceof ASN1Sequence)) {
                throw new CsrFormatException("The file is not a CSR: it is not DER-encoded PKCS#10.");
            }
            return new PKCS10CertificationRequest(der);
        } catch (StackOverflowError tooDeep) {
            throw new CsrFormatException("The CSR cannot be read: its ASN.1 nests deeper than any CSR does.");
        } catch (IOException | RuntimeException e) {
            // BouncyCastle answers damaged DER with many kinds of runtime exception; all mean the same to a client
            throw new CsrFormatException("The CSR is damaged or truncated and cannot be read (" + describe(e) + ").");
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.length() > 120 ? message.substring(0, 120) + "..." : message;
    }
}
