package io.certdesk.authority;

import java.util.Arrays;
import java.util.Locale;

import org.bouncycastle.asn1.x509.CRLReason;

/** RFC 5280 revocation reasons a client certificate can be revoked for, with their CRL reason codes. */
public enum RevocationReason {
    UNSPECIFIED("unspecified", CRLReason.unspecified),
    KEY_COMPROMISE("keyCompromise", CRLReason.keyCompromise),
    AFFILIATION_CHANGED("affiliationChanged", CRLReason.affiliationChanged),
    SUPERSEDED("superseded", CRLReason.superseded),
    CESSATION_OF_OPERATION("cessationOfOperation", CRLReason.cessationOfOperation),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", CRLReason.privilegeWithdrawn);

    private final String rfcName;
    private final int code;

    RevocationReason(String rfcName, int code) {
        this.rfcName = rfcName;
        this.code = code;
    }

    /** The RFC 5280 name, e.g. {@code keyCompromise}. */
    public String rfcName() {
        return rfcName;
    }

    public int code() {
        return code;
    }

    /** Reads {@code keyCompromise}, {@code key-compromise}, {@code KEY_COMPROMISE} or {@code key compromise}. */
    public static RevocationReason parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        return Arrays.stream(values()).filter(r -> r.rfcName.toLowerCase(Locale.ROOT).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown revocation reason '" + text + "'; use one of "
                        + String.join(", ", Arrays.stream(values()).map(RevocationReason::rfcName).toList())));
    }
}
