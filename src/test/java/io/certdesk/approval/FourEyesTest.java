package io.certdesk.approval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FourEyesTest {

    @ParameterizedTest(name = "first {0}, second {1}: {2}")
    @CsvSource(nullValues = "NULL", delimiter = '|', value = {
            "alice | bob   | NULL",
            "bob   | alice | NULL",
            "alice | alice | Four eyes: alice made the first decision; a different approver must make the second",
            // logins as the directory spells them: another spelling never logs in (LdapDirectoryIT)
            "alice | Alice | NULL",
            "NULL  | bob   | The first decision on this trust request is not on record",
            "''    | bob   | The first decision on this trust request is not on record",
            "'  '  | bob   | The first decision on this trust request is not on record",
            "alice | NULL  | A decision needs a logged-in approver",
            "alice | ''    | A decision needs a logged-in approver",
            "alice | ' '   | A decision needs a logged-in approver",
            "NULL  | NULL  | The first decision on this trust request is not on record",
    })
    void refusesASecondDecisionByTheFirstDeciderOrBySomeoneUnknown(String first, String second, String refusal) {
        assertThat(FourEyes.refusal("this trust request", first, second)).isEqualTo(refusal);
    }
}
