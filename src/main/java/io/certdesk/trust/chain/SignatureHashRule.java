package io.certdesk.trust.chain;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * No certificate of the path is signed with SHA-1 or MD5. A self-signed root's own signature is not checked: its
 * trust comes from being chosen, not from its signature.
 */
public final class SignatureHashRule implements ChainRule {

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        if (!link.isClientCertificate() && link.selfSigned()) {
            return;
        }
        X509Certificate c = link.certificate();
        String algorithm = c.getSigAlgName().toUpperCase(Locale.ROOT);
        if (algorithm.contains("SHA1") || algorithm.contains("MD5")) {
            problems.add(link.shown() + " is signed with " + c.getSigAlgName() + "; SHA-1 and MD5 are not accepted.");
        }
    }
}
