package io.certdesk.request.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.CertificateSubject.Field;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;

/**
 * The subject holds only what a certificate of certdesk's carries: C, ST, L, O, OU and CN, one attribute per RDN,
 * each value text. Anything else (emailAddress, serialNumber, DC, UID, any other OID, CN=x+UID=y) would either be
 * signed unchecked or silently dropped; it is refused, so the client knows exactly what the certificate says.
 */
public final class SubjectAttributesRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        Set<String> notAllowed = new LinkedHashSet<>();
        Set<String> joined = new LinkedHashSet<>();
        Set<String> notText = new LinkedHashSet<>();
        boolean empty = false;
        for (RDN rdn : csr.subject().getRDNs()) {
            if (rdn.size() == 0) {
                empty = true;
            }
            if (rdn.isMultiValued()) {
                List<String> types = new ArrayList<>();
                for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                    types.add(CertificateSubject.typeName(atv.getType()));
                }
                joined.add(String.join("+", types));
            }
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (Field.of(atv.getType()).isEmpty()) {
                    notAllowed.add(CertificateSubject.typeName(atv.getType()));
                } else {
                    String text = CertificateSubject.text(atv.getValue());
                    if (text == null || text.isEmpty()) {
                        notText.add(CertificateSubject.typeName(atv.getType()));
                    }
                }
            }
        }
        if (!notAllowed.isEmpty() || !joined.isEmpty() || empty) {
            List<String> what = new ArrayList<>();
            if (!notAllowed.isEmpty()) {
                what.add("attributes certdesk does not sign (" + String.join(", ", notAllowed) + ")");
            }
            if (!joined.isEmpty()) {
                what.add("several attributes joined in one RDN (" + String.join(", ", joined) + ")");
            }
            if (empty) {
                what.add("an empty RDN");
            }
            findings.add(PolicyFinding.error("SUBJECT_ATTRIBUTE_NOT_ALLOWED", "The CSR's subject has "
                            + String.join(" and ", what) + "; a certificate's subject may hold only C, ST, L, O, OU and CN, "
                            + "each on its own.",
                    "Make the CSR again with only those fields, for example:\n  " + SuggestedSubject.command(csr, claims)));
        }
        if (!notText.isEmpty()) {
            findings.add(PolicyFinding.error("SUBJECT_VALUE_NOT_TEXT", "The CSR's " + String.join(", ", notText)
                            + " is empty or not text.",
                    "Give each field a text value, for example:\n  " + SuggestedSubject.command(csr, claims)));
        }
    }
}
