package io.certdesk.authority;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a PKCS#11 token through the JDK's SunPKCS11 provider, one provider per environment.
 * <p>
 * SunPKCS11 selects a token by slot only. To select it by label, certdesk configures a probe provider for each
 * slot in turn and reads the token's label from the report SunPKCS11 prints when {@code showInfo} is on (the JDK
 * has no other public way to read a token's label); a probe never logs in, so no other token sees a PIN. The
 * probes run at start-up, while {@code System.out} is held for them; console output of other threads in those
 * milliseconds is not shown.
 */
final class Pkcs11Token {

    private static final Pattern TOKEN_LABEL = Pattern.compile("Token info for token in slot \\d+:\\R\\s*label: ([^\\r\\n]*)");
    private static final Object STDOUT = new Object();
    private static final int MAX_SLOTS = 64;

    private Pkcs11Token() {
    }

    /** The SunPKCS11 provider for the environment's token; refuses, naming the environment, if there is none. */
    static Provider provider(String environment, Pkcs11Settings settings) {
        if (!Files.isReadable(Path.of(settings.library()))) {
            throw new IllegalStateException("environment '" + environment + "': PKCS#11 module " + settings.library()
                    + " does not exist or cannot be read; set certdesk.environments." + environment + ".pkcs11.library");
        }
        String slot = slotLine(environment, settings);
        try {
            return configure("certdesk-" + environment, settings.library(), slot, settings.keyLabel(), false);
        } catch (ProviderException e) {
            throw new IllegalStateException("environment '" + environment + "': PKCS#11 token " + settings.tokenName()
                    + " in " + settings.library() + " cannot be opened: " + rootMessage(e), e);
        }
    }

    /** Logs in to the token; a wrong or missing PIN stops here with what to set. */
    static KeyStore login(String environment, Pkcs11Settings settings, Provider provider) {
        String pinVariable = "CERTDESK_" + environment.toUpperCase(Locale.ROOT).replace('-', '_') + "_PKCS11_PIN";
        if (settings.pin() == null || settings.pin().isEmpty()) {
            throw new IllegalStateException("environment '" + environment + "': no PIN for PKCS#11 token "
                    + settings.tokenName() + "; set " + pinVariable);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, settings.pin().toCharArray());
            return store;
        } catch (Exception e) {
            String why = rootMessage(e);
            if (why.contains("CKR_PIN_INCORRECT") || why.contains("CKR_PIN_LEN_RANGE")) {
                throw new IllegalStateException("environment '" + environment + "': PKCS#11 token " + settings.tokenName()
                        + " refused the PIN (" + why + "); set " + pinVariable + " to the token's user PIN", e);
            }
            if (why.contains("CKR_PIN_LOCKED")) {
                throw new IllegalStateException("environment '" + environment + "': the user PIN of PKCS#11 token "
                        + settings.tokenName() + " is locked (" + why + "); the token's security officer must unlock it", e);
            }
            throw new IllegalStateException("environment '" + environment + "': cannot log in to PKCS#11 token "
                    + settings.tokenName() + ": " + why, e);
        }
    }

    private static String slotLine(String environment, Pkcs11Settings settings) {
        if (settings.slot() != null) {
            return "slot = " + settings.slot();
        }
        if (settings.tokenLabel() == null || settings.tokenLabel().isBlank()) {
            throw new IllegalStateException("environment '" + environment + "': set certdesk.environments." + environment
                    + ".pkcs11.token-label (or .slot) to name the token holding the CA key");
        }
        List<String> seen = new ArrayList<>();
        for (int index = 0; index < MAX_SLOTS; index++) {
            String label;
            try {
                label = probeLabel(settings.library(), index);
            } catch (ProviderException e) {
                if (rootMessage(e).contains("token only has")) {
                    break;
                }
                continue; // a slot without an initialised token
            }
            if (settings.tokenLabel().equals(label)) {
                return "slotListIndex = " + index;
            }
            if (label != null) {
                seen.add("'" + label + "'");
            }
        }
        throw new IllegalStateException("environment '" + environment + "': no PKCS#11 token labelled '" + settings.tokenLabel()
                + "' in " + settings.library() + " (tokens present: " + (seen.isEmpty() ? "none" : String.join(", ", seen))
                + "); is the token initialised and reachable?");
    }

    private static String probeLabel(String library, int slotListIndex) {
        synchronized (STDOUT) {
            PrintStream original = System.out;
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
            try {
                configure("certdesk-probe-" + slotListIndex, library, "slotListIndex = " + slotListIndex, null, true);
            } finally {
                System.setOut(original);
            }
            Matcher matcher = TOKEN_LABEL.matcher(report.toString(StandardCharsets.UTF_8));
            return matcher.find() ? matcher.group(1).trim() : null;
        }
    }

    /**
     * Keys generated through this provider stay in the token, sensitive and never extractable, under the given label.
     */
    private static Provider configure(String name, String library, String slotLine, String keyLabel, boolean showInfo) {
        StringBuilder config = new StringBuilder()
                .append("--name = ").append(name).append('\n')
                .append("library = ").append(library).append('\n')
                .append(slotLine).append('\n');
        if (showInfo) {
            config.append("showInfo = true\n");
        }
        String label = keyLabel == null ? "" : "  CKA_LABEL = 0h" + HexFormat.of().formatHex(keyLabel.getBytes(StandardCharsets.UTF_8)) + "\n";
        config.append("attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_PRIVATE = true\n"
                        + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n  CKA_SIGN = true\n").append(label).append("}\n")
                .append("attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_VERIFY = true\n").append(label).append("}\n");
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IllegalStateException("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        return base.configure(config.toString());
    }

    static String rootMessage(Throwable e) {
        StringBuilder why = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !why.toString().contains(t.getMessage())) {
                if (!why.isEmpty()) {
                    why.append(": ");
                }
                why.append(t.getMessage());
            }
        }
        return why.isEmpty() ? e.getClass().getSimpleName() : why.toString();
    }
}
