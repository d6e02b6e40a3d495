package io.certdesk.request;

/**
 * Whether a mail provably comes from its sender's domain: a DKIM signature by that domain (or a parent domain of
 * it) that verifies, checked by certdesk or, when configured, by the receiving mail server. A mail's From alone is
 * anyone's to write.
 *
 * @param domain the domain whose signature verified (PASS), or the domains that signed (FAIL); null for NONE
 * @param detail what was found, for the approver: signatures and their results, SPF and DMARC where reported
 */
public record MailAuthenticity(Result result, String domain, String detail) {

    public enum Result {
        /** a DKIM signature by the sender's domain verifies */
        PASS,
        /** signed, but no signature by the sender's domain verifies (wrong key, changed after signing, other domain) */
        FAIL,
        /** not signed */
        NONE
    }

    public static MailAuthenticity none(String detail) {
        return new MailAuthenticity(Result.NONE, null, detail);
    }

    public boolean authenticated() {
        return result == Result.PASS;
    }
}
