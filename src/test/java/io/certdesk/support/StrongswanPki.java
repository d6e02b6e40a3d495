package io.certdesk.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * strongSwan's {@code pki} (Debian strongswan-pki, with libstrongswan-extra-plugins for its curl fetcher), the EST
 * client the EST tests run. Without it they are skipped, saying why; with {@code CI} set they fail instead.
 */
public final class StrongswanPki {

    private StrongswanPki() {
    }

    public static void assumeAvailable() {
        String missing = missing();
        if (missing != null) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(missing);
            }
            Assumptions.abort(missing);
        }
    }

    private static String missing() {
        if (Openssl.run(Path.of("."), "command -v pki && command -v curl").exitCode() != 0) {
            return "strongSwan's pki or curl is not on the PATH (apt-get install strongswan-pki libstrongswan-extra-plugins curl): "
                    + "the EST client tests are skipped";
        }
        if (!Files.exists(Path.of("/usr/lib/ipsec/plugins/libstrongswan-curl.so"))
                && Openssl.run(Path.of("."), "ls /usr/lib/*/ipsec/plugins/libstrongswan-curl.so").exitCode() != 0) {
            return "strongSwan's curl fetcher is missing (apt-get install libstrongswan-extra-plugins): the EST client tests are skipped";
        }
        return null;
    }
}
