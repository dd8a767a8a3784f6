package dev.candor.it.resilience;

import dev.candor.failure.ErrorType;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/configuration.md "Active health checks": an endpoint whose probes fail {@code unhealthy_threshold}
 * times in a row gets no requests until {@code healthy_threshold} probes in a row pass again; probes
 * are their own connections and never show in the access log.
 */
class ActiveHealthCheckTest {
    /** interval × unhealthy_threshold is 0.3 s; the bound leaves room for jitter and a slow machine. */
    private static final Duration VERDICT = Duration.ofSeconds(2);

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** A backend answering its name, whose /healthz answers the status the test sets. */
    private static final class Checked {
        final AtomicInteger healthStatus = new AtomicInteger(200);
        final TestBackend backend;

        Checked(Cleanup cleanup, String name) {
            backend = cleanup.add(TestBackend.start((request, reply) -> {
                if (request.uri().equals("/healthz")) {
                    reply.send(healthStatus.get(), "health");
                } else {
                    reply.send(200, name);
                }
            }));
        }

        /** Requests other than probes. */
        long traffic() {
            return backend.requests().stream().filter(r -> !r.uri().equals("/healthz")).count();
        }
    }

    @Test
    void anEndpointFailingItsHttpCheckIsTakenOutAfterThreeProbesAndBackInAfterTwoPassingOnes() {
        Checked a = new Checked(cleanup, "a");
        Checked b = new Checked(cleanup, "b");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(a.backend.port(), b.backend.port()), "", """
                health_check: { path: /healthz, interval: 100ms, timeout: 100ms, unhealthy_threshold: 3, healthy_threshold: 2 }
                """));
        EndpointHealth bHealth = proxy.endpoint(b.backend.port()).health();

        // Endpoints start healthy and are probed with the documented request.
        RecordedRequest probe = b.backend.awaitRequest();
        assertThat(probe.method()).isEqualTo("GET");
        assertThat(probe.uri()).isEqualTo("/healthz");
        assertThat(probe.header("User-Agent")).isEqualTo("candor-health-check");
        assertThat(bHealth.state()).isEqualTo(EndpointState.HEALTHY);

        b.healthStatus.set(503);
        await().atMost(VERDICT).pollInterval(Duration.ofMillis(20)).until(() -> bHealth.state() == EndpointState.UNHEALTHY);
        assertThat(bHealth.why()).startsWith("unhealthy: status 503");
        assertThat(bHealth.unhealthyError()).as("a status is not an error type").isNull();

        long bBefore = b.traffic();
        for (int i = 0; i < 20; i++) {
            RawResponse response = proxy.get("/while-b-is-out-" + i);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("a");
        }
        assertThat(b.traffic()).as("no request reached the unhealthy endpoint").isEqualTo(bBefore);
        assertThat(proxy.awaitEntries(20)).allSatisfy(e -> {
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + a.backend.port());
            assertThat(e.uri()).as("probes are not client requests").startsWith("/while-b-is-out-");
        });
        assertThat(bHealth.state()).as("still failing").isEqualTo(EndpointState.UNHEALTHY);

        b.healthStatus.set(200);
        await().atMost(VERDICT).pollInterval(Duration.ofMillis(20)).until(() -> bHealth.state() == EndpointState.HEALTHY);
        assertThat(bHealth.why()).isEqualTo("healthy");
        assertThat(bHealth.probesSinceChange()).as("the probe that made it healthy, maybe one more").isBetween(1, 3);

        int reachedB = 0;
        for (int i = 0; i < 10; i++) {
            if (proxy.get("/after-" + i).bodyText().equals("b")) {
                reachedB++;
            }
        }
        assertThat(reachedB).as("round robin includes b again").isEqualTo(5);
    }

    @Test
    void aHealthEndpointThatNeverAnswersFailsOnTheProbeTimeoutAndLeavesNoProbeConnectionOpen() {
        TestBackend hanging = cleanup.add(TestBackend.start((request, reply) -> {
            if (request.uri().equals("/healthz")) {
                reply.hang();
            } else {
                reply.send(200, "hanging");
            }
        }));
        Checked live = new Checked(cleanup, "live");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(hanging.port(), live.backend.port()), "", """
                health_check: { path: /healthz, interval: 100ms, timeout: 50ms, unhealthy_threshold: 3 }
                """));
        EndpointHealth health = proxy.endpoint(hanging.port()).health();

        await().atMost(VERDICT).pollInterval(Duration.ofMillis(20)).until(() -> health.state() == EndpointState.UNHEALTHY);
        assertThat(health.why()).startsWith("unhealthy: http_response_timeout since ");
        assertThat(health.unhealthyError()).isEqualTo(ErrorType.HTTP_RESPONSE_TIMEOUT);
        await().atMost(VERDICT).until(() -> hanging.requests().size() >= 6);
        assertThat(hanging.openConnections()).as("each timed-out probe closed its connection").isLessThanOrEqualTo(1);
        assertThat(proxy.get("/x").bodyText()).isEqualTo("live");
    }

    @Test
    void aTcpCheckAgainstAClosedPortMarksItUnhealthyWithConnectionRefusedAndNoRequestTriesIt() {
        Checked live = new Checked(cleanup, "live");
        int closed = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(closed, live.backend.port()), "", """
                health_check: { type: tcp, interval: 100ms, timeout: 100ms, unhealthy_threshold: 2 }
                """));
        EndpointHealth closedHealth = proxy.endpoint(closed).health();

        await().atMost(VERDICT).pollInterval(Duration.ofMillis(20)).until(() -> closedHealth.state() == EndpointState.UNHEALTHY);
        assertThat(closedHealth.why()).startsWith("unhealthy: connection_refused since ");
        assertThat(closedHealth.unhealthyError()).isEqualTo(ErrorType.CONNECTION_REFUSED);
        assertThat(closedHealth.lastProbe().ok()).isFalse();
        assertThat(proxy.endpoint(live.backend.port()).health().state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(live.backend.requests()).as("a tcp check sends no request").isEmpty();

        for (int i = 0; i < 10; i++) {
            assertThat(proxy.get("/t" + i).bodyText()).isEqualTo("live");
        }
        List<AccessLogEntry> entries = proxy.awaitEntries(10);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.attempts()).as("the closed port is not even tried").isEqualTo(1);
            assertThat(e.error()).isNull();
        });
        assertThat(closedHealth.errors(ErrorType.CONNECTION_REFUSED)).as("probes are not request errors").isZero();
    }
}
