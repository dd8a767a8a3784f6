package dev.candor.doctor;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The current burst: the latest run of failures without a quiet minute, its main upstream and error type. */
class BurstTest {
    private static final Instant T0 = Instant.parse("2026-12-07T14:00:00Z");

    private static Burst.Failure at(long seconds, String error, String upstream) {
        return new Burst.Failure("r" + seconds, T0.plusSeconds(seconds), 502, error, "all", upstream, "127.0.0.1:1");
    }

    @Test
    void aQuietMinuteSeparatesAnOldBurstFromTheCurrentOne() {
        List<Burst.Failure> failures = new ArrayList<>(List.of(at(0, "connection_refused", "app"), at(10, "connection_refused", "app")));
        for (int s = 200; s < 220; s += 2) {
            failures.add(at(s, "http_response_timeout", "api"));
        }
        failures.add(at(205, "connection_refused", "app"));

        Burst burst = Burst.find(failures, T0.plusSeconds(230), true);

        assertThat(burst.began()).isEqualTo(T0.plusSeconds(200));
        assertThat(burst.upstream()).isEqualTo("api");
        assertThat(burst.error()).isEqualTo("http_response_timeout");
        assertThat(burst.failures()).hasSize(11);
        assertThat(burst.main()).hasSize(10);
        assertThat(burst.byError()).containsEntry("http_response_timeout", 10).containsEntry("connection_refused", 1);
        assertThat(burst.truncated()).isFalse();
    }

    @Test
    void failuresThatStoppedLongAgoAreNoCurrentBurst() {
        assertThat(Burst.find(List.of(at(0, "connection_refused", "app")), T0.plus(Burst.CURRENT).plusSeconds(1), true)).isNull();
        assertThat(Burst.find(List.of(), T0, true)).isNull();
    }

    @Test
    void aCappedListMarksTheBeginningAsTheLatestItCanBe() {
        Burst burst = Burst.find(List.of(at(0, "connection_refused", "app"), at(1, "connection_refused", "app")), T0.plusSeconds(5), false);

        assertThat(burst.truncated()).isTrue();
        assertThat(burst.began()).isEqualTo(T0);
    }
}
