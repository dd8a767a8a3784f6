package dev.candor.it.resilience;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/errors.md "The stale keep-alive race, handled", second line of defence: Candor learns how long an
 * endpoint keeps idle connections — from {@code Keep-Alive: timeout=N} or from the idle closes it sees —
 * and retires pooled connections shortly before the endpoint would, so the proxy, not the backend,
 * closes first. The backend tells who closed. {@code pool.idle_timeout} stays at its 50 s default.
 */
class KeepAliveParityTest {
    private static final Duration BACKEND_KEEP_ALIVE = Duration.ofSeconds(1);

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void afterAKeepAliveTimeoutOfOneSecondTheProxyClosesIdleConnectionsBeforeTheBackendDoes() {
        TestBackend backend = cleanup.add(TestBackend.start((request, reply) ->
                reply.send(200, "ok", "Keep-Alive", "timeout=1").closeWhenIdleFor(BACKEND_KEEP_ALIVE)));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(backend.port()), "workers: 1", ""));

        for (int i = 1; i <= 2; i++) {
            long start = System.nanoTime();
            RawResponse response = proxy.get("/r" + i);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.hasHeader("Keep-Alive")).as("hop-by-hop: the backend's timeout is not the proxy's").isFalse();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5)).until(() -> backend.openConnections() == 0);
            Duration idle = Duration.ofNanos(System.nanoTime() - start);

            assertThat(backend.connectionsClosedByPeer()).as("closes by the proxy after request %d", i).isEqualTo(i);
            assertThat(idle).as("retired before the backend's 1 s").isBetween(Duration.ofMillis(700), Duration.ofMillis(1000));
        }
        assertThat(backend.acceptedConnections()).isEqualTo(2);
        assertNoStaleRetry(proxy, 2);
    }

    @Test
    void withoutAHeaderTheProxyLearnsFromTheBackendsFirstIdleCloseAndClosesFirstFromThenOn() {
        TestBackend backend = cleanup.add(TestBackend.start((request, reply) ->
                reply.send(200, "ok").closeWhenIdleFor(BACKEND_KEEP_ALIVE)));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(backend.port()), "workers: 1", ""));

        assertThat(proxy.get("/first").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5)).until(() -> backend.openConnections() == 0);
        assertThat(backend.connectionsClosedByPeer()).as("the backend closed the first connection").isZero();

        long start = System.nanoTime();
        assertThat(proxy.get("/second").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5)).until(() -> backend.openConnections() == 0);
        assertThat(backend.connectionsClosedByPeer()).as("the proxy closed the second one first").isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BACKEND_KEEP_ALIVE);
        assertNoStaleRetry(proxy, 2);
    }

    private static void assertNoStaleRetry(ProxyUnderTest proxy, int requests) {
        List<AccessLogEntry> entries = proxy.awaitEntries(requests);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.error()).isNull();
            assertThat(e.connectMs()).as("each on a new connection").isNotNull();
        });
        assertThat(proxy.server().staleRetries()).isZero();
    }
}
