package io.certdesk.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Signs of private key material in a mail's raw bytes, for a mail that certdesk could not take in and so could
 * not read the usual way: a PEM private key line as text or base64-encoded (a PEM key file attached as
 * base64), or an attachment named like a key or key store. Erring towards "yes" is the point: a mail
 * that looks like it holds a key is not kept.
 */
final class KeyMarkers {

    private static final String PEM_KEY = "PRIVATE KEY-----";
    /** " PRIVATE KEY-----" base64-encoded at each of the three byte offsets it can fall on. */
    private static final List<String> BASE64_BEGIN = base64Forms(" PRIVATE KEY-----");
    private static final Pattern KEY_FILE_NAME = Pattern.compile(
            "name\\s*\\*?=\\s*\"?[^\"\\r\\n;]{0,255}\\.(key|p12|pfx|p8)\"?\\s*(;|\\r|\\n|$)", Pattern.CASE_INSENSITIVE);
    private static final Pattern KEY_CONTENT_TYPE = Pattern.compile("content-type:\\s*application/(x-)?pkcs(12|8)",
            Pattern.CASE_INSENSITIVE);

    private KeyMarkers() {
    }

    static boolean found(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        if (text.contains(PEM_KEY) || text.toUpperCase(Locale.ROOT).contains("PRIVATE=20KEY-----")) {
            return true;
        }
        for (String form : BASE64_BEGIN) {
            if (text.contains(form)) {
                return true;
            }
        }
        return KEY_FILE_NAME.matcher(text).find() || KEY_CONTENT_TYPE.matcher(text).find();
    }

    private static List<String> base64Forms(String marker) {
        List<String> forms = new ArrayList<>();
        for (int offset = 0; offset < 3; offset++) {
            String encoded = Base64.getEncoder().encodeToString(("xx".substring(0, offset) + marker).getBytes(StandardCharsets.US_ASCII));
            // leave out the characters that also depend on the bytes before the marker or on the padding after it
            int from = offset == 0 ? 0 : 4;
            int to = encoded.length() - 4;
            forms.add(encoded.substring(from, to));
        }
        return forms;
    }
}
