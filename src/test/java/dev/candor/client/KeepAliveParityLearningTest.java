package dev.candor.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What the pool learns from an endpoint's idle closes and Keep-Alive header, and what it refuses to learn. */
class KeepAliveParityLearningTest {
    private static final long CONFIGURED = Duration.ofSeconds(50).toNanos();

    @Test
    void aCloseOfAConnectionIdleForMillisecondsIsARestartNotAKeepAliveTimeoutAndPoolingGoesOn() {
        KeepAliveParity parity = new KeepAliveParity("10.0.0.1:80", CONFIGURED);

        parity.observeIdleClose(Duration.ofMillis(3).toNanos());
        parity.observeIdleClose(Duration.ofMillis(249).toNanos());

        assertThat(parity.effectiveIdleNanos()).isEqualTo(CONFIGURED);
        assertThat(parity.describe()).isNull();
    }

    @Test
    void anIdleCloseAfterASecondOrAnAdvertisedTimeoutRetiresConnectionsShortlyBefore() {
        KeepAliveParity closes = new KeepAliveParity("10.0.0.1:80", CONFIGURED);
        closes.observeIdleClose(Duration.ofSeconds(1).toNanos());
        assertThat(closes.effectiveIdleNanos()).isEqualTo(Duration.ofMillis(900).toNanos());
        assertThat(closes.describe()).startsWith("the upstream closes idle connections after about 1.0 s");

        KeepAliveParity advertises = new KeepAliveParity("10.0.0.2:80", CONFIGURED);
        advertises.observeHeader("timeout=5, max=100");
        assertThat(advertises.effectiveIdleNanos()).isEqualTo(Duration.ofMillis(4_500).toNanos());
        advertises.observeIdleClose(Duration.ofMillis(10).toNanos());
        assertThat(advertises.effectiveIdleNanos()).as("a restart later changes nothing").isEqualTo(Duration.ofMillis(4_500).toNanos());
    }
}
