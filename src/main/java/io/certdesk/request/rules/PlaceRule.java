package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;

/** ST (state or province) and L (locality), when given, are one value each. */
public final class PlaceRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        if (csr.states().size() > 1) {
            findings.add(PolicyFinding.error("ST_MULTIPLE", "The CSR's subject has " + csr.states().size()
                    + " ST fields; at most one is allowed.", "Keep one ST, e.g. /ST=North-Holland, and make the CSR again."));
        }
        if (csr.localities().size() > 1) {
            findings.add(PolicyFinding.error("L_MULTIPLE", "The CSR's subject has " + csr.localities().size()
                    + " L fields; at most one is allowed.", "Keep one L, e.g. /L=Amsterdam, and make the CSR again."));
        }
    }
}
