package dev.candor.admin;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code /api/counts} picks its bucket width: the asked one, unless it would give too many buckets. */
class CountsStepTest {
    private static long ms(Duration d) {
        return d.toMillis();
    }

    @Test
    void theAskedStepIsKeptWhileItGivesFewEnoughBuckets() {
        assertThat(JournalView.stepMs(ms(Duration.ofHours(1)), null)).isEqualTo(ms(Duration.ofMinutes(1)));
        assertThat(JournalView.stepMs(ms(Duration.ofHours(12)), null)).isEqualTo(ms(Duration.ofMinutes(1)));
        assertThat(JournalView.stepMs(ms(Duration.ofHours(1)), ms(Duration.ofMinutes(7)))).isEqualTo(ms(Duration.ofMinutes(7)));
    }

    @Test
    void aLongRangeGetsTheSmallestListedWidthThatFits() {
        assertThat(JournalView.stepMs(ms(Duration.ofHours(24)), null)).isEqualTo(ms(Duration.ofMinutes(2)));
        assertThat(JournalView.stepMs(ms(Duration.ofDays(7)), null)).isEqualTo(ms(Duration.ofMinutes(15)));
        assertThat(JournalView.stepMs(ms(Duration.ofDays(7)), ms(Duration.ofMinutes(11)))).isEqualTo(ms(Duration.ofMinutes(15)));
        assertThat(JournalView.stepMs(ms(Duration.ofDays(30)), null)).isEqualTo(ms(Duration.ofHours(1)));
        // Past a day per bucket: whole days.
        assertThat(JournalView.stepMs(ms(Duration.ofDays(2000)), null)).isEqualTo(ms(Duration.ofDays(3)));
        for (long days = 1; days < 3000; days += 37) {
            long range = ms(Duration.ofDays(days));
            long step = JournalView.stepMs(range, null);
            assertThat((range + step - 1) / step).isLessThanOrEqualTo(JournalView.MAX_POINTS);
        }
    }

    @Test
    void theStepParameterIsWholeMinutes() throws Exception {
        assertThat(JournalView.step(null)).isNull();
        assertThat(JournalView.step("1h")).isEqualTo(ms(Duration.ofHours(1)));
        assertThat(JournalView.step("1h30m")).isEqualTo(ms(Duration.ofMinutes(90)));
        assertThatThrownBy(() -> JournalView.step("59s")).isInstanceOf(JournalView.BadParameter.class)
                .hasMessageContaining("was '59s'");
        assertThatThrownBy(() -> JournalView.step("fast")).isInstanceOf(JournalView.BadParameter.class);
    }
}
