package dev.candor.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "0s, 0",
            "250ms, 250",
            "2s, 2000",
            "5m, 300000",
            "1h, 3600000",
            "1d, 86400000",
            "1m30s, 90000",
            "1h30m, 5400000",
            "1d2h3m4s5ms, 93784005",
            "1500ms, 1500",
            "007s, 7000",
    })
    void validDurationsParse(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void theLongestDurationJavaHoldsStillParses() {
        assertThat(Durations.parse("106751991167300d15h30m7s")).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "5        | '5' has no unit (write e.g. 5s or 5ms)",
            "-5s      | '-5s' is negative; durations are 0 or more",
            "1.5s     | '1.5s' has a fraction; combine whole units instead (e.g. 1s500ms)",
            "5 seconds| '5 seconds' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "5S       | '5S' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "30s1m    | '30s1m' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "1m1m     | '1m1m' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "s        | 's' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "2w       | '2w' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "\"\"       | '' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
            "99999999999999999999s | '99999999999999999999s' is too long a duration",
            "9223372036854775807d  | '9223372036854775807d' is too long a duration",
            "106751991167300d15h30m8s | '106751991167300d15h30m8s' is too long a duration",
    })
    void invalidDurationsAreRejectedWithAHelpfulMessage(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text)).withMessage(message);
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "250, 250ms",
            "2000, 2s",
            "300000, 5m",
            "5400000, 1h30m",
            "86400000, 1d",
            "93784005, 1d2h3m4s5ms",
    })
    void durationsFormatCompactly(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "1000001, 1ms"})
    void formattingDropsPartsBelowAMillisecond(long nanos, String text) {
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }
}
