package dev.candor.it.resilience;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/configuration.md "Outlier detection": {@code consecutive_failures} failed requests in a row eject
 * an endpoint for {@code base_ejection}, each repeat doubles it, and never more than
 * {@code max_ejected_percent} of the endpoints are out at once. The failing endpoint here is a closed
 * port; every request that meets it is retried on the live one (the budget is set to 100 % so no retry
 * is refused), so clients see only 200s throughout.
 */
class OutlierEjectionTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend live = cleanup.add(TestBackend.answering("live"));

    @Test
    void threeFailuresEjectFor400msAndTheNextThreeAfterItReturnsEjectFor800ms() {
        int refusing = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(refusing, live.port()), "", """
                outlier_detection: { consecutive_failures: 3, base_ejection: 400ms, max_ejection: 5s, max_ejected_percent: 50 }
                retries: { budget_percent: 100 }
                """));
        EndpointHealth health = proxy.endpoint(refusing).health();

        int sent = sendUntilEjected(proxy, health, "/first-");
        assertThat(sent).as("requests until the first ejection, each meeting the closed port once").isEqualTo(3);
        Instant observed = Instant.now();
        assertThat(health.why()).contains("after 3 consecutive failures (ejection 1, 400 ms)");
        assertThat(Duration.between(observed, health.ejectedUntil())).isBetween(Duration.ZERO, Duration.ofMillis(400));
        assertThat(health.ejections()).isEqualTo(1);
        assertThat(proxy.get("/while-ejected").bodyText()).isEqualTo("live");
        assertThat(proxy.awaitEntry(e -> e.uri().equals("/while-ejected")).attempts())
                .as("an ejected endpoint is not tried").isEqualTo(1);

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> health.state() != EndpointState.EJECTED);
        assertThat(health.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(health.ejectedUntil()).isNull();

        sent = sendUntilEjected(proxy, health, "/second-");
        assertThat(sent).isEqualTo(3);
        long ejectedAt = System.nanoTime();
        observed = Instant.now();
        assertThat(health.why()).contains("after 3 consecutive failures (ejection 2, 800 ms)");
        assertThat(Duration.between(observed, health.ejectedUntil()))
                .as("twice the first ejection").isBetween(Duration.ofMillis(500), Duration.ofMillis(800));
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> health.state() != EndpointState.EJECTED);
        assertThat(Duration.ofNanos(System.nanoTime() - ejectedAt)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));

        List<AccessLogEntry> entries = proxy.accessLog().entries();
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.status()).as("%s", e.uri()).isEqualTo(200);
            assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + live.port());
        });
        assertThat(entries).filteredOn(e -> e.attempts() == 2).as("the six requests that met the closed port").hasSize(6);
    }

    @Test
    void afterTenBaseEjectionsOutOfTroubleTheDoublingStartsAgainFromTheBase() {
        int refusing = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(refusing, live.port()), "", """
                outlier_detection: { consecutive_failures: 2, base_ejection: 100ms, max_ejection: 5s }
                retries: { budget_percent: 100 }
                """));
        EndpointHealth health = proxy.endpoint(refusing).health();

        sendUntilEjected(proxy, health, "/a-");
        assertThat(health.why()).contains("(ejection 1, 100 ms)");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> health.state() == EndpointState.HEALTHY);
        sendUntilEjected(proxy, health, "/b-");
        assertThat(health.why()).contains("(ejection 2, 200 ms)");
        long ejectedAt = System.nanoTime();

        // 10 × base_ejection = 1 s after that ejection ended, the count has decayed.
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> health.ejections() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - ejectedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(1100));
        sendUntilEjected(proxy, health, "/c-");
        assertThat(health.why()).contains("(ejection 1, 100 ms)");
    }

    @Test
    void withCount5xxAnEndpointAnswering503IsEjectedLikeAFailingOne() {
        TestBackend overloaded = cleanup.add(TestBackend.start((request, reply) -> reply.send(503, "busy")));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(overloaded.port(), live.port()), "", """
                outlier_detection: { consecutive_failures: 2, count_5xx: true, base_ejection: 5s }
                """));
        EndpointHealth health = proxy.endpoint(overloaded.port()).health();

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(proxy.get("/r" + i).status());
        }

        assertThat(statuses).as("503 passed through twice, then only the live endpoint")
                .containsExactly(503, 200, 503, 200, 200, 200, 200, 200, 200, 200);
        assertThat(health.state()).isEqualTo(EndpointState.EJECTED);
        assertThat(health.why()).contains("after 2 consecutive failures (ejection 1, 5 s)");
        assertThat(overloaded.requests()).hasSize(2);
        assertThat(proxy.awaitEntries(10)).filteredOn(e -> e.status() == 503).allSatisfy(e -> {
            assertThat(e.upstreamStatus()).isEqualTo(503);
            assertThat(e.error()).isNull();
        });
    }

    @Test
    void withTwoClosedPortsAndFiftyPercentOnlyOneIsEverEjectedAtOnce() {
        int first = Ports.refusing();
        int second = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(first, second), "", """
                outlier_detection: { consecutive_failures: 2, base_ejection: 5s, max_ejected_percent: 50 }
                retries: { budget_percent: 100 }
                """));
        EndpointHealth a = proxy.endpoint(first).health();
        EndpointHealth b = proxy.endpoint(second).health();

        for (int i = 0; i < 10; i++) {
            RawResponse response = proxy.get("/r" + i);
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_refused");
        }

        assertThat(List.of(a.state(), b.state())).containsExactlyInAnyOrder(EndpointState.EJECTED, EndpointState.HEALTHY);
        EndpointHealth kept = a.state() == EndpointState.HEALTHY ? a : b;
        assertThat(kept.consecutiveFailures()).as("it keeps failing but stays in").isGreaterThan(2);
        assertThat(proxy.awaitEntries(10)).allSatisfy(e -> assertThat(e.error()).isEqualTo("connection_refused"));
    }

    /** Sends GETs (at most 20) until the endpoint is ejected; returns how many were sent. */
    private static int sendUntilEjected(ProxyUnderTest proxy, EndpointHealth health, String prefix) {
        for (int i = 1; i <= 20; i++) {
            RawResponse response = proxy.get(prefix + i);
            assertThat(response.status()).as("%s%d (Proxy-Status: %s)", prefix, i, response.header("Proxy-Status"))
                    .isIn(200, 502);
            if (health.state() == EndpointState.EJECTED) {
                return i;
            }
        }
        throw new AssertionError("not ejected after 20 requests: " + health.why());
    }
}
