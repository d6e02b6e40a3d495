package io.certdesk.intake;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.certdesk.authority.Asn1Nesting;

/** X.509 certificates in a mail: PEM blocks in text or files, DER files, PKCS#7 bundles (.p7b/.p7c). */
final class Certificates {

    private static final List<String> PEM_TYPES = List.of("CERTIFICATE", "PKCS7");

    private Certificates() {
    }

    static List<byte[]> fromText(String text) {
        List<byte[]> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        // each block from its BEGIN line to the first END line of its type, found by plain search: a lazy pattern tried
        // from every BEGIN line to the end of the text took time growing with the square of a text of BEGIN lines
        Set<String> noEnd = new HashSet<>();
        int from = 0;
        while (true) {
            int begin = -1;
            String type = null;
            for (String candidate : PEM_TYPES) {
                int at = noEnd.contains(candidate) ? -1 : text.indexOf("-----BEGIN " + candidate + "-----", from);
                if (at >= 0 && (begin < 0 || at < begin)) {
                    begin = at;
                    type = candidate;
                }
            }
            if (type == null) {
                return out;
            }
            String endLine = "-----END " + type + "-----";
            int end = text.indexOf(endLine, begin + type.length() + 16);
            if (end < 0) {
                noEnd.add(type);  // nor after any later BEGIN line of this type
                from = begin + 1;
                continue;
            }
            from = end + endLine.length();
            out.addAll(parse(text.substring(begin, from).getBytes(StandardCharsets.US_ASCII)));
        }
    }

    static List<byte[]> fromAttachment(IncomingMail.Attachment attachment) {
        if (attachment.content() == null) {
            return List.of();
        }
        String text = new String(attachment.content(), StandardCharsets.ISO_8859_1);
        if (text.contains("-----BEGIN CERTIFICATE-----") || text.contains("-----BEGIN PKCS7-----")) {
            return fromText(text);
        }
        String name = attachment.fileName().toLowerCase(Locale.ROOT);
        if (name.endsWith(".p7b") || name.endsWith(".p7c") || name.endsWith(".cer") || name.endsWith(".crt") || name.endsWith(".der")) {
            return parse(attachment.content());
        }
        return List.of();
    }

    private static List<byte[]> parse(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        if (!nestsLikeACertificate(data)) {
            return out;  // the JDK's parser recurses once per level: such data would overflow its stack
        }
        try {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(data))) {
                out.add(certificate.getEncoded());
            }
        } catch (CertificateException | RuntimeException | StackOverflowError unreadable) {
            // not certificates after all
        }
        return out;
    }

    /** Whether the DER values, or those inside PEM blocks, are well formed and nest no deeper than certificates do. */
    private static boolean nestsLikeACertificate(byte[] data) {
        byte[] der = data;
        if (data.length > 0 && data[0] == '-') {
            String body = new String(data, StandardCharsets.US_ASCII).replaceAll("-----[A-Z0-9 ]{1,40}-----", "");
            try {
                der = Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException notBase64) {
                return false;  // nothing to measure, so nothing to parse: as everywhere else, what cannot be walked is refused
            }
        }
        // every value: the JDK's factory reads them all, and a certificate may be followed by anything
        return Asn1Nesting.everyValueWithin(der, Asn1Nesting.MAX_DEPTH);
    }

    static List<byte[]> distinct(List<byte[]> certificates) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] candidate : certificates) {
            if (out.stream().noneMatch(existing -> Arrays.equals(existing, candidate))) {
                out.add(candidate);
            }
        }
        return out;
    }

}
