package io.certdesk.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import io.certdesk.support.TestCsrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyMarkersTest {

    private static final String KEY = TestCsrs.privateKeyPem(TestCsrs.ec("secp256r1"));
    private static final String CSR = TestCsrs.pem(TestCsrs.csr("C=NL,O=ACME BV,CN=acme-42", TestCsrs.p384()));

    private static String base64(String prefix, String text) {
        return Base64.getMimeEncoder().encodeToString((prefix + text).getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(String type) {
        return "-----BEGIN " + type + "-----\nMIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEA\n-----END " + type + "-----\n";
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "pem key in the text|true",
            "pem key base64 at offset 0|true",
            "pem key base64 at offset 1|true",
            "pem key base64 at offset 2|true",
            "attachment named .key|true",
            "attachment named .p12 with RFC 2231 name|true",
            "pkcs12 content type|true",
            "quoted-printable pem key|true",
            "rsa pem key|true",
            "encrypted pem key|true",
            "openssh key|true",
            "attachment named .pfx without quotes|true",
            "content type named .p8|true",
            "pkcs8 content type|true",
            "csr in the text|false",
            "public key pem|false",
            "attachment named .key.txt|false",
            "csr base64|false",
            "plain text|false",
    })
    void findsSignsOfPrivateKeysInRawMail(String mail, boolean expected) {
        String headers = "From: a@acme.test\r\nSubject: x\r\n\r\n";
        String raw = switch (mail) {
            case "pem key in the text" -> headers + KEY;
            case "pem key base64 at offset 0" -> headers + base64("", KEY);
            case "pem key base64 at offset 1" -> headers + base64("x", KEY);
            case "pem key base64 at offset 2" -> headers + base64("xy", KEY);
            case "attachment named .key" -> "Content-Disposition: attachment; filename=\"client.key\"\r\n\r\nAAAA";
            case "attachment named .p12 with RFC 2231 name" -> "Content-Disposition: attachment; filename*=UTF-8''client.p12\r\n\r\nAAAA";
            case "pkcs12 content type" -> "Content-Type: application/x-pkcs12\r\n\r\nAAAA";
            case "quoted-printable pem key" -> headers + "-----BEGIN=20private=20key-----=\r\nMIGHAgEAMBMGByqGSM49AgEG\r\n";
            case "rsa pem key" -> headers + pem("RSA PRIVATE KEY");
            case "encrypted pem key" -> headers + pem("ENCRYPTED PRIVATE KEY");
            case "openssh key" -> headers + pem("OPENSSH PRIVATE KEY");
            case "attachment named .pfx without quotes" -> "Content-Disposition: attachment; filename=client.PFX\r\n\r\nAAAA";
            case "content type named .p8" -> "Content-Type: application/octet-stream; name=\"client.p8\"\r\n\r\nAAAA";
            case "pkcs8 content type" -> "Content-Type: application/pkcs8\r\n\r\nAAAA";
            case "public key pem" -> headers + pem("PUBLIC KEY");
            case "attachment named .key.txt" -> "Content-Disposition: attachment; filename=\"client.key.txt\"\r\n\r\nAAAA";
            case "csr in the text" -> headers + CSR;
            case "csr base64" -> headers + base64("", CSR);
            default -> headers + "Hello, please sign my key request.";
        };
        assertThat(KeyMarkers.found(raw.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(expected);
    }

    @Test
    void aLineOfNameAssignmentsIsSearchedInLinearTime() {
        // a mail that failed intake is searched whole (up to 10 MB); a search from every "name=" to the line's end
        // took 1.6 s for 80 KB of them, minutes for a megabyte
        byte[] raw = ("From: a@acme.test\r\n\r\n" + "name=".repeat(400_000)).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> KeyMarkers.found(raw))).isFalse();
    }
}
