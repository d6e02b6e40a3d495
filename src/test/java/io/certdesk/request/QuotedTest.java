package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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

    @Test
    void quotedValueIsInQuotesWithControlCharactersVisible() {
        assertThat(Quoted.of("acme-42")).isEqualTo("\"acme-42\"");
        assertThat(Quoted.of("a\rb\tc\u200Bd\u2028e")).isEqualTo("\"a\\u000Db\\u0009c\\u200Bd\\u2028e\"");
        assertThat(Quoted.of("")).isEqualTo("\"\"");
    }

    @Test
    void nothingIsQuotedAsEmpty() {
        assertThat(Quoted.of(null)).isEqualTo("\"\"");
        assertThat(Quoted.shown(null, 10)).isEmpty();
        assertThat(Quoted.nonAscii(null)).isEmpty();
    }

    @Test
    void longQuotedValueSaysHowLongItWas() {
        assertThat(Quoted.of("x".repeat(100))).isEqualTo("\"" + "x".repeat(100) + "\"");
        assertThat(Quoted.of("x".repeat(10_000)))
                .isEqualTo("\"" + "x".repeat(100) + "\" (shortened; 10000 characters in all)");
    }

    @Test
    void charactersOutsideTheBasicPlaneCountOnceAndAreNeverSplit() {
        String emoji = "\uD83D\uDD12";
        assertThat(Quoted.shown(emoji.repeat(3), 2)).isEqualTo(emoji.repeat(2) + "...");
        assertThat(Quoted.of(emoji.repeat(100))).doesNotContain("shortened");
        assertThat(Quoted.of(emoji.repeat(101))).endsWith("(shortened; 101 characters in all)");
    }

    @Test
    void lookAlikeLettersFromOtherScriptsAreNamed() {
        assertThat(Quoted.nonAscii("a\u0441me-42")).isEqualTo("\"\u0441\" U+0441 CYRILLIC SMALL LETTER ES");
        assertThat(Quoted.nonAscii("acme-42")).isEmpty();
    }

    @Test
    void invisibleCharactersAreNamedWithoutBeingShown() {
        assertThat(Quoted.nonAscii("acme\u200B-42")).isEqualTo("U+200B ZERO WIDTH SPACE");
        assertThat(Quoted.nonAscii("acme\u0007")).isEqualTo("U+0007 " + Character.getName(0x7));
    }

    @Test
    void eachForeignCharacterIsNamedOnceAndAtMostFive() {
        assertThat(Quoted.nonAscii("\u0441\u0441\u0441")).isEqualTo("\"\u0441\" U+0441 CYRILLIC SMALL LETTER ES");
        assertThat(Quoted.nonAscii("\u0430\u0431\u0432\u0433\u0434\u0435\u0436").split(", ")).hasSize(5);
    }
}
