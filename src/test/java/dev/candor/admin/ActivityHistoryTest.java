package dev.candor.admin;

import dev.candor.failure.ErrorType;
import dev.candor.observe.Metrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's history: totals turned into per-second rates at each tick, oldest first, in a fixed ring. */
class ActivityHistoryTest {
    private static final long SECOND = 1_000_000_000L;
    private final Metrics metrics = new Metrics();
    private final ActivityHistory history = new ActivityHistory(metrics, 3);

    @Test
    void eachTickHoldsTheRatesOfTheIntervalBeforeIt() {
        for (int i = 0; i < 10; i++) {
            metrics.request("all", 200, 1_000_000);
        }
        metrics.error(ErrorType.CONNECTION_REFUSED, "app", "127.0.0.1:1");
        metrics.request("all", 502, 1_000_000);
        history.tick(1_000, System.nanoTime() + 2 * SECOND);

        Map<String, Object> columns = history.columns();

        assertThat(columns.get("time")).isEqualTo(List.of(1.0));
        assertThat((List<?>) columns.get("requests_per_s")).singleElement()
                .satisfies(v -> assertThat((Double) v).isBetween(5.0, 5.6));
        assertThat(columns.get("errors_per_s").toString()).startsWith("{connection_refused=[").doesNotContain("timeout");
        assertThat((List<?>) columns.get("p50_ms")).singleElement().satisfies(v -> assertThat((Double) v).isPositive());
    }

    @Test
    void theRingKeepsTheLatestTicksOldestFirstAndListsOnlyErrorTypesSeenInIt() {
        long now = System.nanoTime();
        metrics.error(ErrorType.HTTP_RESPONSE_TIMEOUT, "app", "127.0.0.1:1");
        history.tick(1_000, now + SECOND);
        for (int i = 2; i <= 4; i++) {
            history.tick(i * 1_000L, now + i * SECOND);
        }

        Map<String, Object> columns = history.columns();

        assertThat(columns.get("time")).isEqualTo(List.of(2.0, 3.0, 4.0));
        assertThat((Map<?, ?>) columns.get("errors_per_s")).as("the timeout fell out of the ring").isEmpty();
        assertThat(columns.get("p50_ms")).isEqualTo(java.util.Arrays.asList(null, null, null));
    }
}
