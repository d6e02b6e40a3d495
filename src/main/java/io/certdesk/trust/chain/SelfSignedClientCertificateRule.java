package io.certdesk.trust.chain;

import java.util.List;

/** The client certificate is issued by a CA, never self-signed. */
public final class SelfSignedClientCertificateRule implements ChainRule {

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        if (link.isClientCertificate() && link.selfSigned()) {
            problems.add("The client certificate " + link.shown() + " is self-signed: it must be issued by a CA.");
        }
    }
}
