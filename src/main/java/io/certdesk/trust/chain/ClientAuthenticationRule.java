package io.certdesk.trust.chain;

import java.util.List;

import io.certdesk.trust.ClientAuthUsage;

/** The client certificate is meant for TLS client authentication (see {@link ClientAuthUsage}). */
public final class ClientAuthenticationRule implements ChainRule {

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        if (!link.isClientCertificate()) {
            return;
        }
        String usage = ClientAuthUsage.problem(link.certificate());
        if (usage != null) {
            problems.add("The client certificate " + link.shown() + " is not for client authentication (" + usage + ").");
        }
    }
}
