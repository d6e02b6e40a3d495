package io.certdesk.est;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** An EST answer: HTTP status, content type, body and extra headers. */
public record EstAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";

    /** A refusal or a note: plain text, one reason per line. */
    static EstAnswer text(int status, String text) {
        return new EstAnswer(status, "text/plain;charset=UTF-8", (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A base64 body, as RFC 7030 sends every DER answer (section 4). */
    static EstAnswer base64(String contentType, byte[] der) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Transfer-Encoding", "base64");
        // one line: strongSwan's pki decodes no line breaks
        String text = Base64.getEncoder().encodeToString(der);
        return new EstAnswer(200, contentType, text.getBytes(StandardCharsets.US_ASCII), headers);
    }

    static EstAnswer noContent() {
        return new EstAnswer(204, null, new byte[0], Map.of());
    }

    EstAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new EstAnswer(status, contentType, body, more);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
