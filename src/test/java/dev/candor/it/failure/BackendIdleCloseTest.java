package dev.candor.it.failure;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/errors.md "The stale keep-alive race, handled", first line of defence: the pool reads on idle
 * connections, so a backend's keep-alive close is noticed while the connection sits in the pool and the
 * dead connection is never handed to a request. One event loop, so every request from the one client
 * connection meets the same pool.
 */
class BackendIdleCloseTest {
    private static final Duration BACKEND_KEEP_ALIVE = Duration.ofMillis(200);

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** A backend with a keep-alive timeout: it closes each connection 200 ms after its last response. */
    private TestBackend closingIdleAfter200ms() {
        return cleanup.add(TestBackend.start((request, reply) ->
                reply.send(200, "ok " + request.uri()).closeWhenIdleFor(BACKEND_KEEP_ALIVE)));
    }

    @Test
    void aConnectionTheBackendClosedWhileIdleIsNeverHandedOutAgain() {
        TestBackend backend = closingIdleAfter200ms();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1", ""));

        try (RawHttp client = proxy.connect()) {
            for (int i = 0; i < 21; i++) {
                RawResponse response = client.send(RawHttp.request("GET", "/r" + i)).read();
                assertThat(response.status()).as("request %d (Proxy-Status: %s)", i, response.header("Proxy-Status"))
                        .isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("ok /r" + i);
                // The backend's idle close happens before the next request: the proxy must have seen it.
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> backend.openConnections() == 0);
            }
        }

        List<AccessLogEntry> entries = proxy.awaitEntries(21);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.error()).isNull();
            assertThat(e.attempts()).as("attempts of %s", e.uri()).isEqualTo(1);
            assertThat(e.connectMs()).as("a new connection each time").isNotNull();
        });
        assertThat(backend.acceptedConnections()).isEqualTo(21);
        assertThat(backend.requests()).extracting(RecordedRequest::connection).doesNotHaveDuplicates().hasSize(21);
        assertThat(proxy.server().failures().total()).isZero();
    }

    @Test
    void thirtyRequestsSpacedJustPastTheBackendKeepAliveTimeoutSeeNoError() {
        TestBackend backend = closingIdleAfter200ms();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1", ""));

        try (RawHttp client = proxy.connect()) {
            for (int i = 0; i < 30; i++) {
                RawResponse response = client.send(RawHttp.request("GET", "/s" + i)).read();
                assertThat(response.status()).as("request %d (Proxy-Status: %s)", i, response.header("Proxy-Status"))
                        .isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("ok /s" + i);
                // The spacing is the scenario: 210..258 ms after a response, just past the backend's 200 ms.
                Duration gap = Duration.ofMillis(210 + (i * 17) % 49);
                await().pollDelay(gap).atMost(gap.plusSeconds(1)).until(() -> true);
            }
        }

        List<AccessLogEntry> entries = proxy.awaitEntries(30);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.error()).isNull();
            assertThat(e.attempts()).as("attempts of %s", e.uri()).isBetween(1, 2);
        });
        assertThat(proxy.server().failures().total()).isZero();
    }
}
