package dev.candor.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How long an answer is used before it is asked again. */
class DnsRefresherTest {

    @Test
    void theTtlIsCappedByRefreshAndNeverBelowASecond() {
        assertThat(DnsRefresher.interval(Duration.ofSeconds(300), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(DnsRefresher.interval(Duration.ofSeconds(5), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(5));
        assertThat(DnsRefresher.interval(Duration.ZERO, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(1));
        assertThat(DnsRefresher.interval(Duration.ofSeconds(300), Duration.ZERO)).as("refresh 0: the TTL alone")
                .isEqualTo(Duration.ofSeconds(300));
    }
}
