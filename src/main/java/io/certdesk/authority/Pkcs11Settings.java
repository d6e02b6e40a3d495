package io.certdesk.authority;

import java.nio.file.Path;

/**
 * Where an environment's CA key lives in a PKCS#11 token.
 *
 * @param library       the token's PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}; empty: no token
 * @param tokenLabel    the token's label; or
 * @param slot          the PKCS#11 slot id, for modules whose tokens have no stable label
 * @param keyLabel      the label of the key and of its certificate on the token
 * @param pin           the token's user PIN, from the environment only
 * @param caCertificate a PEM file with the CA certificate; empty: the certificate on the token under {@code keyLabel}
 */
public record Pkcs11Settings(String library, String tokenLabel, Long slot, String keyLabel, String pin, String caCertificate) {

    public Pkcs11Settings withToken(String label) {
        return new Pkcs11Settings(library, label, null, keyLabel, pin, caCertificate);
    }

    public Pkcs11Settings withCertificate(Path pem) {
        return new Pkcs11Settings(library, tokenLabel, slot, keyLabel, pin, pem.toString());
    }

    /** The same token with another key: the key of a later CA generation. */
    public Pkcs11Settings withKeyLabel(String label) {
        return new Pkcs11Settings(library, tokenLabel, slot, label, pin, caCertificate);
    }

    /** The same key, its certificate read from the token. */
    public Pkcs11Settings withoutCertificateFile() {
        return new Pkcs11Settings(library, tokenLabel, slot, keyLabel, pin, null);
    }

    public boolean configured() {
        return library != null && !library.isBlank();
    }

    /** What names the token in messages: its label, or its slot. */
    public String tokenName() {
        return tokenLabel != null && !tokenLabel.isBlank() ? "'" + tokenLabel + "'" : "in slot " + slot;
    }
}
