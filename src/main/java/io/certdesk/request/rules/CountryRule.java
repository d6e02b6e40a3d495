package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/** C, when given, is one ISO 3166 two-letter code. */
public final class CountryRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        List<String> cs = csr.countries();
        if (cs.size() > 1) {
            findings.add(PolicyFinding.error("C_MULTIPLE", "The CSR's subject has " + cs.size() + " C fields; at most one is allowed.",
                    "Keep one two-letter country code, e.g. /C=NL, and make the CSR again."));
        } else if (cs.size() == 1 && !cs.get(0).matches("[A-Z]{2}")) {
            findings.add(PolicyFinding.error("C_NOT_TWO_LETTERS", "The CSR's C is " + Quoted.of(cs.get(0))
                    + "; it must be a two-letter country code in capitals.", "Use a code such as /C=NL or /C=BR and make the CSR again."));
        }
    }
}
