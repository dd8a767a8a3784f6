package dev.candor.it.edge;

import dev.candor.failure.FailureReport;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of client faults (here malformed requests; slowloris timeouts take the same path) is counted
 * and logged in full, but keeps only a few full reports a second: the upstream failure that follows it is
 * still among the recent failures instead of being pushed out by a thousand identical 400s.
 */
class ClientFaultFloodTest {
    private static final int FLOOD = 60;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(Ports.refusing(), "", ""));

    @Test
    void aFloodOfClientFaultsIsCountedInFullButKeepsOnlyAFewReportsASecond() {
        long start = System.nanoTime();
        for (int i = 0; i < FLOOD; i++) {
            RawResponse bad = proxy.exchange("GET /bad-" + i + " HTTP/1.1\r\nHost: flood\r\nNo colon here\r\n\r\n");
            assertThat(bad.status()).isEqualTo(400);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        RawResponse upstreamFailure = proxy.get("/after-the-flood");
        assertThat(upstreamFailure.status()).isEqualTo(502);

        // Every request is in the access log, with its error type.
        assertThat(proxy.awaitEntries(FLOOD + 1))
                .filteredOn(e -> e.status() == 400)
                .hasSize(FLOOD)
                .allSatisfy(e -> assertThat(e.error()).isEqualTo("http_request_error"));

        List<FailureReport> kept = proxy.server().failures().latest(1000);
        long keptFaults = kept.stream().filter(r -> r.status() == 400).count();
        // The first burst is kept whole; afterwards a few a second, however many arrive.
        assertThat(keptFaults).isBetween(20L, 20L + 5L * (long) Math.ceil(seconds));
        assertThat(keptFaults).isLessThan(FLOOD);
        assertThat(proxy.counter("candor_failure_reports_unkept", "error", "http_request_error"))
                .isEqualTo(FLOOD - keptFaults);
        assertThat(proxy.counter("candor_errors", "error", "http_request_error")).isEqualTo(FLOOD);

        // The upstream's failure is never sampled away: it is the newest report.
        assertThat(kept.get(0).requestId()).isEqualTo(upstreamFailure.header("X-Request-Id"));
        assertThat(kept.get(0).error().token()).isEqualTo("connection_refused");
    }
}
