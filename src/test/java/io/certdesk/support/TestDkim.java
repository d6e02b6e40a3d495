package io.certdesk.support;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;

import org.apache.james.jdkim.DKIMSigner;

/**
 * A DKIM signing domain for tests: {@link #DOMAIN} signs with selector {@link #SELECTOR}, and certdesk is given the
 * key record a DNS zone would publish ({@code s1._domainkey.dkim.test TXT "v=DKIM1; k=rsa; p=..."}), since tests
 * cannot use DNS. Mails are signed by Apache James jDKIM's signer (rsa-sha256, relaxed/relaxed), as a sender's mail
 * server would sign them.
 */
public final class TestDkim {

    public static final String DOMAIN = "dkim.test";
    public static final String SELECTOR = "s1";
    public static final KeyPair KEYS = rsa();

    private TestDkim() {
    }

    /** The DNS name certdesk looks the key up under. */
    public static String recordName() {
        return SELECTOR + "._domainkey." + DOMAIN;
    }

    /** The TXT record with the domain's public key. */
    public static String record() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** {@code raw} with a DKIM-Signature header by {@code domain} over From, To, Subject, Date and Message-ID. */
    public static byte[] sign(byte[] raw, String domain, PrivateKey key) throws Exception {
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + SELECTOR
                + "; h=from:to:subject:date:message-id;";
        String signature = new DKIMSigner(template, key).sign(new ByteArrayInputStream(raw));
        String header = signature.regionMatches(true, 0, "DKIM-Signature:", 0, 15) ? signature : "DKIM-Signature: " + signature;
        byte[] prefix = (header + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new byte[prefix.length + raw.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(raw, 0, signed, prefix.length, raw.length);
        return signed;
    }

    public static byte[] sign(byte[] raw) throws Exception {
        return sign(raw, DOMAIN, KEYS.getPrivate());
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
