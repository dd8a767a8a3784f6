package dev.candor.observe;

import dev.candor.failure.ErrorType;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which series the request path creates, and that a gone endpoint's series can be dropped. */
class MetricsSeriesTest {
    private final Metrics metrics = new Metrics();

    @Test
    void statusesAreCountedByClassAndOddOnesApart() {
        metrics.request("web", 204, 1_000);
        metrics.request("web", 499, 1_000);
        metrics.request(null, 404, 1_000);
        metrics.request("web", 999, 1_000);

        assertThat(series("candor_requests")).contains(
                "code=2xx,route=web 1.0", "code=4xx,route=web 1.0", "code=4xx,route= 1.0", "code=other,route=web 1.0");
        assertThat(metrics.requestCount()).isEqualTo(4);
    }

    @Test
    void aGoneEndpointsSeriesAreDroppedAndTheOthersKept() {
        metrics.attempt("app", "10.0.0.1:80", null, 1_000_000, false, false);
        metrics.attempt("app", "10.0.0.1:80", ErrorType.CONNECTION_REFUSED, 1_000, false, false);
        metrics.error(ErrorType.CONNECTION_REFUSED, "app", "10.0.0.1:80");
        metrics.attempt("app", "10.0.0.2:80", null, 1_000_000, true, false);

        metrics.forgetEndpoint("app", "10.0.0.1:80");

        assertThat(series("candor_upstream_attempts")).containsExactly("endpoint=10.0.0.2:80,result=ok,upstream=app 1.0");
        assertThat(series("candor_errors")).isEmpty();
        assertThat(series("candor_upstream_duration_seconds")).hasSize(1);
        assertThat(metrics.endpointLatency("app", "10.0.0.1:80").count()).isZero();
        assertThat(metrics.endpointLatency("app", "10.0.0.2:80").count()).isEqualTo(1);
        assertThat(series("candor_upstream_retries")).contains("kind=retry,upstream=app 1.0");
        assertThat(metrics.errorCount(ErrorType.CONNECTION_REFUSED)).as("process totals are kept").isEqualTo(1);
    }

    /** {@code label=value,... value} (labels sorted by name) of each data point of a family (histograms: their count). */
    private List<String> series(String family) {
        List<String> out = new ArrayList<>();
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (!m.getMetadata().getName().equals(family)) {
                continue;
            }
            for (DataPointSnapshot d : m.getDataPoints()) {
                StringBuilder b = new StringBuilder();
                d.getLabels().forEach(l -> b.append(b.length() == 0 ? "" : ",").append(l.getName()).append('=').append(l.getValue()));
                double value = d instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c
                        ? c.getValue()
                        : ((io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot) d).getCount();
                out.add(b + " " + value);
            }
        }
        return out;
    }
}
