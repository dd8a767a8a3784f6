package dev.candor.proxy;

import org.junit.jupiter.api.Test;

import static dev.candor.proxy.ExchangeDeadlines.Expired.IDLE;
import static dev.candor.proxy.ExchangeDeadlines.Expired.NONE;
import static dev.candor.proxy.ExchangeDeadlines.Expired.RESPONSE;
import static org.assertj.core.api.Assertions.assertThat;

class ExchangeDeadlinesTest {
    private static final long MS = 1_000_000;
    private final ExchangeDeadlines deadlines = new ExchangeDeadlines();

    @Test
    void nothingArmedNeverExpires() {
        assertThat(deadlines.expired(Long.MAX_VALUE / 2, false)).isEqualTo(NONE);
        assertThat(deadlines.nanosUntilNext(0, false)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theResponseDeadlineFiresOnceAtItsTimeAndIsThenSpent() {
        deadlines.awaitResponse(100 * MS, 0);
        deadlines.awaitResponse(500 * MS, 50 * MS); // already waiting: the first deadline stands

        assertThat(deadlines.nanosUntilNext(40 * MS, true)).isEqualTo(60 * MS);
        assertThat(deadlines.expired(99 * MS, true)).isEqualTo(NONE);
        assertThat(deadlines.expired(100 * MS, true)).isEqualTo(RESPONSE);
        assertThat(deadlines.expired(200 * MS, true)).isEqualTo(NONE);
    }

    @Test
    void aZeroResponseTimeoutMeansNoDeadline() {
        deadlines.awaitResponse(0, 0);

        assertThat(deadlines.expired(Long.MAX_VALUE / 2, true)).isEqualTo(NONE);
    }

    @Test
    void theResponseHeadArrivingDisarmsIt() {
        deadlines.awaitResponse(100 * MS, 0);
        deadlines.responseArrived();

        assertThat(deadlines.expired(1_000 * MS, false)).isEqualTo(NONE);
    }

    @Test
    void idlenessCountsFromTheLastActivityButNotWhileTheHeadIsAwaited() {
        deadlines.enforceIdle(50 * MS, 0);
        deadlines.activity(30 * MS);

        assertThat(deadlines.nanosUntilNext(40 * MS, false)).isEqualTo(40 * MS);
        assertThat(deadlines.expired(79 * MS, false)).isEqualTo(NONE);
        assertThat(deadlines.expired(80 * MS, true)).as("awaiting the head: timeouts.response governs").isEqualTo(NONE);
        assertThat(deadlines.nanosUntilNext(80 * MS, true)).isEqualTo(Long.MAX_VALUE);
        assertThat(deadlines.expired(80 * MS, false)).isEqualTo(IDLE);
        assertThat(deadlines.idleNanos()).isEqualTo(50 * MS);
    }

    @Test
    void clearStopsBoth() {
        deadlines.awaitResponse(10 * MS, 0);
        deadlines.enforceIdle(10 * MS, 0);
        deadlines.clear();

        assertThat(deadlines.expired(1_000 * MS, false)).isEqualTo(NONE);
        assertThat(deadlines.nanosUntilNext(1_000 * MS, false)).isEqualTo(Long.MAX_VALUE);
    }
}
