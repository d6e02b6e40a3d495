package io.certdesk.request.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.certdesk.authority.CertificateSubject;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestClaims;

/**
 * Subject values are plain text, whatever program later shows the certificate: ST and L are place names (letters
 * of any script, combining marks, digits, spaces and {@code ' ’ - . , ( )}), and O, OU and CN hold none of
 * {@code < > " \}. Control characters are {@link SubjectTextRule}'s.
 */
public final class SubjectCharactersRule implements RequestRule {

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        List<String> problems = new ArrayList<>();
        place("ST", csr.states(), problems);
        place("L", csr.localities(), problems);
        markup("O", csr.organizations(), problems);
        markup("OU", csr.organizationalUnits(), problems);
        markup("CN", csr.commonNames(), problems);
        if (!problems.isEmpty()) {
            findings.add(PolicyFinding.error("SUBJECT_CHARACTERS_NOT_ALLOWED", String.join("; ", problems) + ".",
                    "Write ST and L with letters, digits, spaces and ' - . , ( ) only, and O, OU and CN without < > \" \\, "
                            + "then make the CSR again, for example:\n  " + SuggestedSubject.command(csr, claims)));
        }
    }

    private static void place(String field, List<String> values, List<String> problems) {
        for (String value : values) {
            if (!CertificateSubject.hasInvisibleCharacters(value) && !CertificateSubject.isPlaceName(value)) {
                problems.add("the CSR's " + field + " " + Quoted.of(value) + " has characters a place name does not need: "
                        + named(value.codePoints().filter(c -> !CertificateSubject.isPlaceName(new String(Character.toChars(c))))));
            }
        }
    }

    private static void markup(String field, List<String> values, List<String> problems) {
        for (String value : values) {
            if (CertificateSubject.hasMarkup(value)) {
                problems.add("the CSR's " + field + " " + Quoted.of(value) + " has "
                        + named(value.codePoints().filter(c -> CertificateSubject.MARKUP_CHARACTERS.indexOf(c) >= 0)));
            }
        }
    }

    private static String named(IntStream characters) {
        return characters.distinct().limit(8).mapToObj(c -> Quoted.of(new String(Character.toChars(c)))
                + (c > 0x7E ? String.format(Locale.ROOT, " (U+%04X)", c) : "")).collect(Collectors.joining(" "));
    }
}
