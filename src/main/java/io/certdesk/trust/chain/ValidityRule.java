package io.certdesk.trust.chain;

import java.security.cert.X509Certificate;
import java.util.List;

/** Every certificate of the path is valid now: not expired, not valid only later. */
public final class ValidityRule implements ChainRule {

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        X509Certificate c = link.certificate();
        String what = link.isClientCertificate() ? "The client certificate" : "The CA certificate";
        if (link.now().after(c.getNotAfter())) {
            problems.add(what + " " + link.shown() + " expired on " + c.getNotAfter().toInstant() + ".");
        } else if (link.now().before(c.getNotBefore())) {
            problems.add(what + " " + link.shown() + " is not valid before " + c.getNotBefore().toInstant() + ".");
        }
    }
}
