package dev.candor.it.resilience;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.RetryBudget;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md "The retry budget": retries to an upstream are at most {@code budget_percent} of
 * its requests in a rolling window (two 5-second buckets), with a floor of 3 per window; 0 % means none
 * at all. One endpoint refuses and outlier detection is off, so it stays in rotation and every request
 * that meets it asks for a retry. 100 sequential requests take far less than one bucket.
 */
class RetryBudgetTest {
    private static final int REQUESTS = 100;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend live = cleanup.add(TestBackend.answering("live"));
    private final int refusing = Ports.refusing();

    private ProxyUnderTest proxy(int budgetPercent) {
        return cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(refusing, live.port()), "", """
                outlier_detection: off
                retries: { attempts: 1, on: [connect_failure], budget_percent: %d }
                """.formatted(budgetPercent)));
    }

    @Test
    void aZeroBudgetMeansNoRetryAtAllNotEvenTheFloor() {
        ProxyUnderTest proxy = proxy(0);

        RawResponse response = proxy.get("/first");

        assertThat(response.status()).as("round robin starts on the closed port").isEqualTo(502);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_refused");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(entry.endpoint()).isEqualTo("127.0.0.1:" + refusing);
        assertThat(proxy.server().upstreams().get("app").retryBudget().retriesInWindow()).isZero();
        assertThat(live.requests()).isEmpty();
    }

    @Test
    void withTwentyPercentAtMostOneRetryInFiveRequestsIsMadeAndTheRestFailAsTheyAre() {
        ProxyUnderTest proxy = proxy(20);

        int ok = 0;
        int failed = 0;
        for (int i = 0; i < REQUESTS; i++) {
            RawResponse response = proxy.get("/r" + i);
            if (response.status() == 200) {
                ok++;
            } else {
                assertThat(response.status()).isEqualTo(502);
                assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_refused");
                failed++;
            }
        }

        List<AccessLogEntry> entries = proxy.awaitEntries(REQUESTS);
        RetryBudget budget = proxy.server().upstreams().get("app").retryBudget();
        long requestsInWindow = budget.requestsInWindow();
        long retried = entries.stream().filter(e -> e.attempts() == 2).count();
        assertThat(requestsInWindow).as("every request counted, none expired").isEqualTo(REQUESTS);
        assertThat(retried).as("access-log lines with attempts=2")
                .isEqualTo(budget.retriesInWindow())
                .isGreaterThanOrEqualTo(3) // the floor
                .isLessThanOrEqualTo(Math.max(3, requestsInWindow * 20 / 100) + 1);
        assertThat(entries).filteredOn(e -> e.attempts() == 2).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + live.port());
        });
        assertThat(entries).filteredOn(e -> e.status() == 502).allSatisfy(e -> {
            assertThat(e.attempts()).as("the budget refused the retry").isEqualTo(1);
            assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + refusing);
            assertThat(e.error()).isEqualTo("connection_refused");
        });
        assertThat(failed).as("half the remaining requests meet the closed port with no retry left").isGreaterThan(30);
        assertThat(ok + failed).isEqualTo(REQUESTS);
    }
}
