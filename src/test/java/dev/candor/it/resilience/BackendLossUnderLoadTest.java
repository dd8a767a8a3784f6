package dev.candor.it.resilience;

import dev.candor.failure.ErrorType;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md "Retries" and "Outlier detection" together: a backend dies in the middle of a
 * steady stream of GETs. The requests that meet it are sent again to the live one, outlier detection
 * takes the dead one out after its default five failures, and the client never sees an error.
 */
class BackendLossUnderLoadTest {
    private static final int REQUESTS = 200;
    private static final int KILL_AFTER = 50;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void killingOneOfTwoBackendsMidLoadFailsNoGetAndEjectsTheDeadOneAfterFiveFailures() {
        TestBackend survivor = cleanup.add(TestBackend.answering("survivor"));
        TestBackend victim = cleanup.add(TestBackend.answering("victim"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(survivor.port(), victim.port()), "", """
                balancer: round_robin
                retries: { attempts: 1, on: [connect_failure, connection_terminated_idempotent] }
                """));
        String survivorLabel = "127.0.0.1:" + survivor.port();

        List<RawResponse> responses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            if (i == KILL_AFTER) {
                victim.close(); // listener and every connection, as when the process dies
            }
            RawResponse response = proxy.get("/r" + i);
            assertThat(response.status()).as("GET /r%d (Proxy-Status: %s)", i, response.header("Proxy-Status"))
                    .isEqualTo(200);
            responses.add(response);
        }

        assertThat(responses.subList(0, KILL_AFTER)).extracting(RawResponse::bodyText)
                .as("round robin before the kill").containsOnly("survivor", "victim");
        assertThat(responses.subList(KILL_AFTER, REQUESTS)).extracting(RawResponse::bodyText).containsOnly("survivor");

        List<AccessLogEntry> entries = proxy.awaitEntries(REQUESTS);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.error()).isNull();
        });
        List<AccessLogEntry> afterKill = entries.stream()
                .filter(e -> Integer.parseInt(e.uri().substring(2)) >= KILL_AFTER).toList();
        List<AccessLogEntry> retried = afterKill.stream().filter(e -> e.attempts() > 1).toList();
        assertThat(retried).as("requests that met the dead backend and were sent again")
                .hasSizeBetween(1, 6)
                .allSatisfy(e -> {
                    assertThat(e.endpoint()).isEqualTo(survivorLabel);
                    assertThat(e.upstreamStatus()).isEqualTo(200);
                });
        // Once ejected, the dead backend is not even tried: the last 100 requests each took one attempt.
        assertThat(afterKill.stream().filter(e -> Integer.parseInt(e.uri().substring(2)) >= REQUESTS - 100))
                .hasSize(100)
                .allSatisfy(e -> {
                    assertThat(e.attempts()).as("attempts of %s", e.uri()).isEqualTo(1);
                    assertThat(e.endpoint()).isEqualTo(survivorLabel);
                });

        EndpointHealth health = proxy.endpoint(victim.port()).health();
        assertThat(health.state()).isEqualTo(EndpointState.EJECTED);
        assertThat(health.why()).contains("after 5 consecutive failures (ejection 1, 30 s)");
        assertThat(health.errorCounts()).containsKey(ErrorType.CONNECTION_REFUSED);
        assertThat(proxy.endpoint(survivor.port()).health().state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(proxy.server().failures().total()).as("no request failed").isZero();
    }
}
