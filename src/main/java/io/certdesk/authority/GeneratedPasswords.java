package io.certdesk.authority;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded mode's generated keystore passwords: 192 random bits, kept in a file beside the keystore, readable
 * by its owner only, made once and read at every later start. Never used in production mode.
 */
public final class GeneratedPasswords {

    private GeneratedPasswords() {
    }

    /** The password in {@code file}, made first when the file does not exist. */
    public static char[] readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
            CaKeystore.restrictToOwner(file);
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim().toCharArray();
    }
}
