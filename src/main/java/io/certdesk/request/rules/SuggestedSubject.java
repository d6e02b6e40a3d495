package io.certdesk.request.rules;

import java.util.List;

import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.CertificateSubject.Field;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.RequestClaims;

/**
 * The openssl command that makes a CSR certdesk accepts, with the sender's own values where they are allowed
 * and plain (nothing a shell or {@code -subj} would read specially), placeholders where not.
 */
final class SuggestedSubject {

    private static final String SHELL_SPECIAL = "$`!/\\\"";

    private SuggestedSubject() {
    }

    static String command(CsrFacts csr, RequestClaims claims) {
        return "openssl req -new -key client-key.pem -out client.csr -subj \"" + subj(csr, claims) + "\"\n"
                + "(use your own key file; the subject may hold only C, ST, L, O, OU and CN, each once)";
    }

    static String subj(CsrFacts csr, RequestClaims claims) {
        StringBuilder out = new StringBuilder();
        append(out, Field.C, plain(Field.C, csr.countries()), "NL");
        append(out, Field.ST, plain(Field.ST, csr.states()), null);
        append(out, Field.L, plain(Field.L, csr.localities()), null);
        append(out, Field.O, plain(Field.O, csr.organizations()), "Your Company Name");
        append(out, Field.OU, plain(Field.OU, csr.organizationalUnits()), "API Client");
        String id = claims.organizationId() != null && claims.organizationId().matches(OrganizationIdRule.PATTERN)
                ? claims.organizationId() : null;
        append(out, Field.CN, id != null ? id : plain(Field.CN, csr.commonNames()), "your-organization-id");
        return out.toString();
    }

    private static void append(StringBuilder out, Field field, String value, String placeholder) {
        String shown = value != null ? value : placeholder;
        if (shown != null) {
            out.append('/').append(field).append('=').append(shown);
        }
    }

    /** The field's single value when it could be signed and typed safely; null otherwise. */
    private static String plain(Field field, List<String> values) {
        if (values.size() != 1) {
            return null;
        }
        String value = values.get(0);
        boolean plain = !value.isBlank() && value.length() <= 64 && CertificateSubject.problem(field, value) == null
                && value.chars().noneMatch(c -> SHELL_SPECIAL.indexOf(c) >= 0);
        return plain ? value : null;
    }
}
