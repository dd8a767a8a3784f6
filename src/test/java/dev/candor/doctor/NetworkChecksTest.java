package dev.candor.doctor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkChecksTest {
    private static final long MS = 1_000_000;

    @Test
    void oneSlowConnectAloneIsNotAJitteryPath() {
        assertThat(NetworkChecks.steadySpread(new long[] {1 * MS, 120 * MS, 1 * MS, 1 * MS, 1 * MS})).isZero();
    }

    @Test
    void repeatedSlowConnectsAre() {
        assertThat(NetworkChecks.steadySpread(new long[] {1 * MS, 120 * MS, 1 * MS, 90 * MS, 1 * MS})).isEqualTo(89 * MS);
    }

    @Test
    void statsAreMinAverageMaxAndMeanChangeBetweenSuccessiveConnects() {
        assertThat(ConnectSamples.stats(new long[] {2 * MS, 4 * MS, 3 * MS})).containsExactly(2 * MS, 3 * MS, 4 * MS, 3 * MS / 2);
    }
}
