package dev.candor.proxy;

import com.google.re2j.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The literal prefix of an anchored regex is one every match starts with, or nothing when unsure. */
class RegexPrefixTest {

    @ParameterizedTest(name = "{0} -> ''{1}''")
    @CsvSource(delimiter = ' ', nullValues = "-", value = {
            "^/users/[0-9]+$ /users/",
            "^/r12/[0-9a-z]+$ /r12/",
            "^/ab* /a",
            "^/ab? /a",
            "^/ab{2} /a",
            "^/ab+ /a",
            "^/a\\.b /a",
            "^/a|/b ''",
            "^(/a|/b) ''",
            "^(?i)/admin ''",
            "/users/[0-9]+ ''",
            "^[/]x ''",
            "^/ /",
            "^/x /x",
    })
    void theRequiredPrefixOfAnAnchoredPattern(String pattern, String prefix) {
        assertThat(RegexPrefix.of(pattern)).isEqualTo(prefix);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = ' ', value = {
            "^/ab*c /ac",
            "^/ab?c /ac",
            "^/x$ /x",
            "^/users/[0-9]+$ /users/42",
    })
    void everyMatchStartsWithThePrefix(String pattern, String path) {
        assertThat(Pattern.compile(pattern).matcher(path).find()).isTrue();
        assertThat(path).startsWith(RegexPrefix.of(pattern));
    }
}
