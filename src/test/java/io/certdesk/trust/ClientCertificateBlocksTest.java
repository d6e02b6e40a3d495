package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientCertificateBlocksTest {

    private static final String COLON = "0C:FD:52:3A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "0C:FD:52:3A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76|" + COLON,
            "sha256 Fingerprint=0C:FD:52:3A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76|" + COLON,
            "0cfd523a00112233445566778899aabbccddeeff0123456789abcdef10325476|" + COLON,
            "0cfd523a00112233445566778899aabbccddeeff0123456789abcdef103254|null",
            "0cfd523a00112233445566778899aabbccddeeff0123456789abcdef1032547g|null",
            "   |null",
    })
    void aFingerprintIsReadAsOpensslPrintsItOrAsPlainHex(String given, String expected) {
        assertThat(ClientCertificateBlocks.normalize(given)).isEqualTo(expected);
    }
}
