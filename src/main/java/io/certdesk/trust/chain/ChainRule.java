package io.certdesk.trust.chain;

import java.util.List;

/**
 * One check of a partner chain's certificates, as a relying party would make it. A rule adds each problem it
 * finds as a sentence the partner's client reads in the chain rejection mail, naming the certificate and what to do.
 */
public interface ChainRule {

    void check(ChainLink link, ChainSettings settings, List<String> problems);
}
