package io.certdesk.request.rules;

import java.util.ArrayList;
import java.util.List;

import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;

/** Subject values (CN, O, OU, C, ST, L) are short printable text: no control characters, none longer than the configured limit. */
public final class SubjectTextRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        List<String> all = new ArrayList<>();
        all.addAll(csr.commonNames());
        all.addAll(csr.organizations());
        all.addAll(csr.organizationalUnits());
        all.addAll(csr.countries());
        all.addAll(csr.states());
        all.addAll(csr.localities());
        for (String value : all) {
            if (value.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
                findings.add(PolicyFinding.error("SUBJECT_CONTROL_CHARACTERS",
                        "A subject field contains control or invisible characters.",
                        "Use plain printable text in -subj and make the CSR again."));
                return;
            }
            if (value.length() > settings.maxSubjectValueLength()) {
                findings.add(PolicyFinding.error("SUBJECT_VALUE_TOO_LONG", "A subject field is " + value.length()
                                + " characters long; at most " + settings.maxSubjectValueLength() + " are allowed.",
                        "Shorten the field in -subj and make the CSR again."));
                return;
            }
        }
    }
}
