package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotedTest {

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "acme-42|10|acme-42",
            "0123456789abc|10|0123456789...",
            "0123456789|10|0123456789",
            "'line\nBcc: x@evil.test'|40|line\\u000ABcc: x@evil.test",
            "'bell\u0007'|40|bell\\u0007",
            "'right\u202Eleft'|40|right\\u202Eleft",
    })
    void shownValuesAreShortAndHaveControlCharactersVisible(String value, int max, String expected) {
        assertThat(Quoted.shown(value, max)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10000", "101"})
    void longValuesAreCutAtTheLimit(int length) {
        assertThat(Quoted.shown("x".repeat(length), 100)).hasSize(103).endsWith("...");
    }
}
