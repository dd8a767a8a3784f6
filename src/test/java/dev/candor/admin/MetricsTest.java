package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: valid Prometheus exposition (checked by Prometheus's own parser) that follows the traffic. */
class MetricsTest {
    @TempDir
    Path dir;
    private TestBackend backend;
    private AdminUnderTest t;
    private int refusing;

    @BeforeEach
    void start() {
        PrometheusParser.assumeAvailable();
        backend = TestBackend.answering("ok");
        refusing = Ports.refusing();
        t = AdminUnderTest.start(dir, AdminUnderTest.config("""
                retries: { attempts: 1, on: [connect_failure], budget_percent: 100 }
                outlier_detection: off
                """, backend.port(), refusing));
    }

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void metricsParseAsPrometheusTextAndMoveAsTrafficFlows() {
        for (int i = 0; i < 4; i++) {
            assertThat(t.request("/x").statusCode()).isEqualTo(200);
        }
        t.accessLog().awaitEntries(4);
        List<PrometheusParser.Sample> before = scrape("prometheus");
        double ok = value(before, "candor_requests_total", Map.of("route", "all", "code", "2xx"));

        for (int i = 0; i < 5; i++) {
            assertThat(t.request("/x").statusCode()).isEqualTo(200);
        }
        t.accessLog().awaitEntries(9);
        List<PrometheusParser.Sample> after = scrape("prometheus");

        assertThat(value(after, "candor_requests_total", Map.of("route", "all", "code", "2xx"))).isEqualTo(ok + 5);
        assertThat(value(after, "candor_request_duration_seconds_count", Map.of("route", "all"))).isEqualTo(ok + 5);
        assertThat(family(after, "candor_request_duration_seconds").type()).isEqualTo("histogram");
        assertThat(value(after, "candor_request_duration_seconds_bucket", Map.of("route", "all", "le", "+Inf")))
                .isEqualTo(ok + 5);
        String good = "127.0.0.1:" + backend.port();
        String bad = "127.0.0.1:" + refusing;
        // Round robin sent about half the requests to the refusing endpoint first; each was retried.
        double refused = value(after, "candor_upstream_attempts_total",
                Map.of("upstream", "app", "endpoint", bad, "result", "connection_refused"));
        assertThat(refused).isPositive();
        assertThat(value(after, "candor_upstream_retries_total", Map.of("upstream", "app", "kind", "retry")))
                .isEqualTo(refused);
        assertThat(value(after, "candor_upstream_attempts_total", Map.of("upstream", "app", "endpoint", good, "result", "ok")))
                .isEqualTo(ok + 5);
        assertThat(value(after, "candor_upstream_duration_seconds_count", Map.of("upstream", "app", "endpoint", good)))
                .isEqualTo(ok + 5);
        assertThat(value(after, "candor_endpoint_state", Map.of("upstream", "app", "endpoint", good, "state", "healthy")))
                .isEqualTo(1);
        assertThat(value(after, "candor_endpoint_state", Map.of("upstream", "app", "endpoint", good, "state", "ejected")))
                .isEqualTo(0);
        assertThat(value(after, "candor_upstream_connections", Map.of("upstream", "app", "endpoint", good, "state", "idle")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(after, "candor_config_reloads_total", Map.of("result", "success"))).isZero();
        assertThat(value(after, "candor_build_info", Map.of("version", "test"))).isEqualTo(1);
    }

    @Test
    void candorErrorsAreCountedByTypeUpstreamAndEndpoint() {
        t.rewrite(AdminUnderTest.config("retries: { attempts: 0 }\noutlier_detection: off", refusing));
        assertThat(t.post("/api/reload").statusCode()).isEqualTo(200);
        assertThat(t.request("/x").statusCode()).isEqualTo(502);
        assertThat(t.request("/x").statusCode()).isEqualTo(502);
        t.accessLog().awaitEntries(2);

        List<PrometheusParser.Sample> samples = scrape("prometheus");

        assertThat(value(samples, "candor_errors_total",
                Map.of("error", "connection_refused", "upstream", "app", "endpoint", "127.0.0.1:" + refusing)))
                .isEqualTo(2);
        assertThat(value(samples, "candor_requests_total", Map.of("route", "all", "code", "5xx"))).isEqualTo(2);
        assertThat(value(samples, "candor_config_reloads_total", Map.of("result", "success"))).isEqualTo(1);
        // No label carries a URI or a request id.
        assertThat(samples).allSatisfy(s -> assertThat(s.labels().values()).noneMatch(v -> v.startsWith("/x")));
    }

    @Test
    void openMetricsIsServedOnRequestAndParsesToo() {
        t.request("/x");
        t.accessLog().awaitEntries(1);
        HttpResponse<String> r = t.send(t.admin("/metrics")
                .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").GET().build());
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/openmetrics-text"));

        List<PrometheusParser.Sample> samples = PrometheusParser.parse(r.body(), "openmetrics");

        assertThat(value(samples, "candor_requests_total", Map.of("route", "all", "code", "2xx"))).isEqualTo(1);
    }

    private List<PrometheusParser.Sample> scrape(String format) {
        HttpResponse<String> r = t.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return PrometheusParser.parse(r.body(), format);
    }

    private static PrometheusParser.Sample family(List<PrometheusParser.Sample> samples, String family) {
        return samples.stream().filter(s -> s.family().equals(family)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + family));
    }

    private static double value(List<PrometheusParser.Sample> samples, String name, Map<String, String> labels) {
        Predicate<PrometheusParser.Sample> match = s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey())));
        return samples.stream().filter(match).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + labels + " among "
                        + samples.stream().filter(s -> s.name().equals(name)).toList()))
                .value();
    }
}
