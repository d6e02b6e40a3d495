package io.certdesk.trust.chain;

import java.util.List;

/** A certificate that signs others on the path is a CA (basicConstraints CA:TRUE) whose path length allows the CAs below it. */
public final class CaBasicConstraintsRule implements ChainRule {

    @Override
    public void check(ChainLink link, ChainSettings settings, List<String> problems) {
        if (link.isClientCertificate()) {
            return;
        }
        int pathLength = link.certificate().getBasicConstraints();
        if (pathLength < 0) {
            problems.add(link.shown() + " signs other certificates but is not a CA (basicConstraints CA:FALSE or missing).");
        } else if (pathLength < link.intermediatesBelow()) {
            problems.add(link.shown() + " allows " + pathLength + " CA(s) below it (pathlen) but has " + link.intermediatesBelow() + ".");
        }
    }
}
