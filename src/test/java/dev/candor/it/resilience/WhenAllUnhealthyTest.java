package dev.candor.it.resilience;

import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/configuration.md "When every endpoint is unhealthy": {@code fail} answers 503
 * {@code destination_unavailable} and names each endpoint's state and reason; {@code panic} (the
 * default) ignores health and tries them anyway, but never a draining one.
 */
class WhenAllUnhealthyTest {
    private static final String TCP_CHECK = "health_check: { type: tcp, interval: 100ms, timeout: 100ms, unhealthy_threshold: 2 }\n";

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final int first = Ports.refusing();
    private final int second = Ports.refusing();

    private ProxyUnderTest proxyWithBothUnhealthy(String upstreamYaml) {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(first, second),
                "errors: { expose: details }", TCP_CHECK + upstreamYaml));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() ->
                proxy.endpoint(first).health().state() == EndpointState.UNHEALTHY
                        && proxy.endpoint(second).health().state() == EndpointState.UNHEALTHY);
        return proxy;
    }

    @Test
    void withFailARequestGets503DestinationUnavailableListingEveryEndpointsReason() {
        ProxyUnderTest proxy = proxyWithBothUnhealthy("when_all_unhealthy: fail");

        RawResponse response = proxy.get("/x", "Accept: application/json");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Proxy-Status")).startsWith("candor; error=destination_unavailable");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(503);
        assertThat(entry.error()).isEqualTo("destination_unavailable");
        assertThat(entry.attempts()).as("no endpoint was tried").isZero();
        assertThat(entry.endpoint()).isNull();
        assertThat(entry.upstream()).isEqualTo("app");
        assertThat(entry.errorDetail())
                .startsWith("no usable endpoint in upstream 'app': ")
                .contains("127.0.0.1:" + first + " unhealthy: connection_refused since ")
                .contains("; 127.0.0.1:" + second + " unhealthy: connection_refused since ");
        assertThat(response.bodyText()).contains("127.0.0.1:" + first + " unhealthy: connection_refused");
        FailureReport report = await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().failures().find(entry.requestId()), Objects::nonNull);
        assertThat(report.error()).isEqualTo(ErrorType.DESTINATION_UNAVAILABLE);
        assertThat(report.attempts()).isEmpty();
    }

    @Test
    void withPanicRequestsStillGoToTheUnhealthyEndpointsAndFailWithTheirOwnError() {
        ProxyUnderTest proxy = proxyWithBothUnhealthy("when_all_unhealthy: panic");

        RawResponse response = proxy.get("/x", "Accept: application/json");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Proxy-Status")).startsWith("candor; error=connection_refused");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(entry.attempts()).as("tried, then retried on the other (connect_failure)").isEqualTo(2);
        assertThat(entry.endpoint()).isIn("127.0.0.1:" + first, "127.0.0.1:" + second);
        assertThat(entry.errorDetail()).startsWith("connect to " + entry.endpoint() + " refused");
    }

    @Test
    void panicNeverSendsToADrainingEndpointSoWithAllDrainedTheAnswerIs503WithDraining() {
        TestBackend backend = cleanup.add(TestBackend.answering("drained"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(backend.port()), "", ""));
        assertThat(proxy.get("/before").status()).isEqualTo(200);

        assertThat(proxy.server().drain("app", "127.0.0.1:" + backend.port(), true)).isTrue();
        RawResponse response = proxy.get("/during");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=destination_unavailable");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.error()).isEqualTo("destination_unavailable");
        assertThat(entry.errorDetail()).isEqualTo("no usable endpoint in upstream 'app': 127.0.0.1:" + backend.port() + " draining");
        assertThat(entry.attempts()).isZero();
        assertThat(backend.requests()).hasSize(1);
    }
}
