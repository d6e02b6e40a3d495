package io.certdesk.trust.chain;

import java.util.List;

/** A CA whose certificate has a key usage may sign certificates (keyCertSign). */
public final class KeyCertSignRule implements ChainRule {

    private static final int KEY_CERT_SIGN = 5;

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        if (link.isClientCertificate()) {
            return;
        }
        boolean[] usage = link.certificate().getKeyUsage();
        if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
            problems.add(link.shown() + " may not sign certificates (key usage lacks keyCertSign).");
        }
    }
}
