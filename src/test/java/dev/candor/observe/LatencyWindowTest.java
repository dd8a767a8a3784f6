package dev.candor.observe;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Percentiles over a sliding window of slices, on a fake clock. */
class LatencyWindowTest {
    private static final long SLICE = TimeUnit.SECONDS.toNanos(15);
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LatencyWindow window = new LatencyWindow(now::get, SLICE, 4);

    @Test
    void anEmptyWindowHasNoPercentiles() {
        assertThat(window.percentiles()).isEqualTo(LatencyWindow.Percentiles.NONE);
    }

    @Test
    void percentilesAreInMillisecondsWithinHdrHistogramPrecision() {
        for (int ms = 1; ms <= 100; ms++) {
            window.record(TimeUnit.MILLISECONDS.toNanos(ms));
        }

        LatencyWindow.Percentiles p = window.percentiles();

        assertThat(p.count()).isEqualTo(100);
        assertThat(p.p50Ms()).isCloseTo(50, within(0.5));
        assertThat(p.p99Ms()).isCloseTo(99, within(1.0));
        assertThat(p.maxMs()).isCloseTo(100, within(1.0));
    }

    @Test
    void samplesOlderThanTheWindowAreForgotten() {
        window.record(TimeUnit.SECONDS.toNanos(2));
        window.fold();
        now.addAndGet(SLICE);
        window.record(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(window.percentiles().count()).as("both slices in the window").isEqualTo(2);

        now.addAndGet(4 * SLICE);
        assertThat(window.percentiles().count()).as("the first slice left the window").isEqualTo(1);
        assertThat(window.percentiles().maxMs()).isCloseTo(10, within(0.1));

        now.addAndGet(10 * SLICE);
        assertThat(window.percentiles()).as("a long quiet spell empties it").isEqualTo(LatencyWindow.Percentiles.NONE);
    }

    @Test
    void negativeAndHugeDurationsAreClampedNotThrown() {
        window.record(-5);
        window.record(TimeUnit.DAYS.toNanos(3));

        assertThat(window.percentiles().count()).isEqualTo(2);
        assertThat(window.percentiles().maxMs()).isCloseTo(3_600_000, within(40_000.0));
    }
}
