package dev.candor.observe;

import dev.candor.failure.ErrorType;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * The request-path metrics of one process, in Prometheus form: recorded by event loops when a request
 * ends, read by the admin listener. Label values are bounded by the config (route, upstream, endpoint),
 * by the error-type enum and by status classes; never a URI or a request id. Every series a request
 * touches is resolved once and kept, so recording a successful request is a few map lookups and
 * atomic adds, with no allocation.
 */
public final class Metrics {
    /** Seconds; from sub-millisecond local replies to the longest sensible timeouts. */
    private static final double[] LATENCY_BUCKETS = {
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Counter errors;
    private final Counter attempts;
    private final Histogram upstreamDuration;
    private final Counter retries;
    private final Counter reloads;
    private final Counter mirrors;
    /** The same counts as {@link #mirrors}, readable without a scrape (tests, the dashboard). */
    private final ConcurrentHashMap<String, LongAdder> mirrorCounts = new ConcurrentHashMap<>();
    private final Gauge tunnelsOpen;
    private final Counter rateLimited;
    private final Counter unkeptReports;
    private final Counter refusedConnections;
    private final CounterDataPoint tunnelBytesToClient;
    private final CounterDataPoint tunnelBytesToUpstream;
    private final LongAdder openTunnels = new LongAdder();

    private final ConcurrentHashMap<String, RouteSeries> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, EndpointSeries>> endpoints =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UpstreamSeries> upstreams = new ConcurrentHashMap<>();

    private final LongAdder requestCount = new LongAdder();
    private final LongAdder[] errorCounts = new LongAdder[ErrorType.values().length];
    private final LatencyWindow requestLatency = LatencyWindow.lastMinute();

    public Metrics() {
        requests = Counter.builder().name("candor_requests_total")
                .help("Requests answered, by route and status class (code: 1xx..5xx)")
                .labelNames("route", "code").register(registry);
        requestDuration = Histogram.builder().name("candor_request_duration_seconds")
                .help("Time from the request's arrival to the end of its response, by route")
                .labelNames("route").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
                .register(registry);
        errors = Counter.builder().name("candor_errors_total")
                .help("Requests that Candor failed, by RFC 9209 error type and the upstream and endpoint of"
                        + " the last attempt (empty when none was made)")
                .labelNames("error", "upstream", "endpoint").register(registry);
        attempts = Counter.builder().name("candor_upstream_attempts_total")
                .help("Attempts sent to upstream endpoints, by outcome (result: ok or the RFC 9209 error type);"
                        + " retries and transparent stale-connection retries included")
                .labelNames("upstream", "endpoint", "result").register(registry);
        upstreamDuration = Histogram.builder().name("candor_upstream_duration_seconds")
                .help("Time from an attempt's start (connection acquisition) to its end, by endpoint")
                .labelNames("upstream", "endpoint").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars().register(registry);
        retries = Counter.builder().name("candor_upstream_retries_total")
                .help("Attempts that were retries, by kind: retry (retries.on) or stale_connection (the"
                        + " transparent retry after a pooled connection turned out closed)")
                .labelNames("upstream", "kind").register(registry);
        reloads = Counter.builder().name("candor_config_reloads_total")
                .help("Config reloads, by result (success or failure)")
                .labelNames("result").register(registry);
        tunnelsOpen = Gauge.builder().name("candor_tunnels_open")
                .help("Connections that switched protocols (WebSocket) and are tunnelled right now")
                .register(registry);
        Counter tunnelBytes = Counter.builder().name("candor_tunnel_bytes_total")
                .help("Bytes relayed through tunnels, by direction (to_client or to_upstream)")
                .labelNames("direction").register(registry);
        tunnelBytesToClient = tunnelBytes.labelValues("to_client");
        tunnelBytesToUpstream = tunnelBytes.labelValues("to_upstream");
        mirrors = Counter.builder().name("candor_mirror_requests_total")
                .help("Mirrored copies of requests, by route, mirror upstream and result: the response's status"
                        + " class (2xx..5xx), the RFC 9209 error type of a failed copy, or dropped (too many copies"
                        + " in flight, or no usable endpoint)")
                .labelNames("route", "upstream", "result").register(registry);
        rateLimited = Counter.builder().name("candor_rate_limit_requests_total")
                .help("Requests that met a route's rate_limit, by route and result (allowed or limited)")
                .labelNames("route", "result").register(registry);
        unkeptReports = Counter.builder().name("candor_failure_reports_unkept_total")
                .help("Client faults (slow or malformed requests that reached no upstream) counted and logged but"
                        + " whose full report was not kept in /api/errors and the journal: more than a few a second"
                        + " arrived, by RFC 9209 error type")
                .labelNames("error").register(registry);
        refusedConnections = Counter.builder().name("candor_client_connections_refused_total")
                .help("Client connections closed before a byte was read, by reason (max_connections_per_ip)")
                .labelNames("reason").register(registry);
        reloads.initLabelValues("success");
        reloads.initLabelValues("failure");
        for (int i = 0; i < errorCounts.length; i++) {
            errorCounts[i] = new LongAdder();
        }
    }

    /** Where every metric of the process is registered, for exposition (gauges of live state are added there). */
    public PrometheusRegistry registry() {
        return registry;
    }

    // --- recording, on the request path ---

    /**
     * A request ended.
     *
     * @param route the route's name, or null when none matched
     */
    public void request(String route, int status, long durationNanos) {
        RouteSeries r = route(route == null ? "" : route);
        int cls = status / 100 - 1;
        (cls >= 0 && cls < STATUS_CLASSES.length ? r.byClass[cls] : r.other()).inc();
        r.duration.observe(durationNanos / 1e9);
        requestCount.increment();
        requestLatency.record(durationNanos);
    }

    /** A request ended with a Candor error; upstream and endpoint are those of its last attempt, or null. */
    public void error(ErrorType type, String upstream, String endpoint) {
        requireNonNull(type, "type");
        errors.labelValues(type.token(), upstream == null ? "" : upstream, endpoint == null ? "" : endpoint).inc();
        errorCounts[type.ordinal()].increment();
    }

    /** A client fault was counted without keeping its report. */
    public void unkeptReport(ErrorType type) {
        unkeptReports.labelValues(type.token()).inc();
    }

    /** A client connection was closed at once, for {@code reason} (a config key's last part). */
    public void connectionRefused(String reason) {
        refusedConnections.labelValues(reason).inc();
    }

    /**
     * One attempt against an endpoint ended.
     *
     * @param failure its error type, or null when it succeeded
     * @param durationNanos how long it took, or a negative number when unknown
     * @param retry whether it was a retry ({@code retries.on}); {@code transparent} whether it was the stale-connection retry
     */
    public void attempt(String upstream, String endpoint, ErrorType failure, long durationNanos, boolean retry,
                       boolean transparent) {
        EndpointSeries e = endpoint(upstream, endpoint);
        if (failure == null) {
            e.ok.inc();
        } else {
            attempts.labelValues(upstream, endpoint, failure.token()).inc();
        }
        if (durationNanos >= 0) {
            e.duration.observe(durationNanos / 1e9);
            e.latency.record(durationNanos);
        }
        if (transparent) {
            upstream(upstream).stale.inc();
        } else if (retry) {
            upstream(upstream).retry.inc();
        }
    }

    /** A tunnel opened (+1) or ended (-1). */
    public void tunnels(int delta) {
        openTunnels.add(delta);
        tunnelsOpen.inc(delta);
    }

    /** Bytes relayed through a tunnel, {@code toClient} or to the upstream. */
    public void tunnelBytes(boolean toClient, long bytes) {
        (toClient ? tunnelBytesToClient : tunnelBytesToUpstream).inc(bytes);
    }

    /** The two counters of one route's rate limit, resolved once: {@code allowed} and {@code limited}. */
    public record RateLimitSeries(CounterDataPoint allowed, CounterDataPoint limited) {
    }

    /** The rate-limit counters of {@code route}, both present from now on (at 0 until a request meets the limit). */
    public RateLimitSeries rateLimit(String route) {
        return new RateLimitSeries(rateLimited.labelValues(route, "allowed"), rateLimited.labelValues(route, "limited"));
    }

    /** A mirrored copy ended with {@code result}: a status class, an error type token, or {@code dropped}. */
    public void mirror(String route, String upstream, String result) {
        mirrors.labelValues(route, upstream, result).inc();
        mirrorCounts.computeIfAbsent(route + '\0' + upstream + '\0' + result, k -> new LongAdder()).increment();
    }

    /** Mirrored copies counted with these labels since start. */
    public long mirrored(String route, String upstream, String result) {
        LongAdder n = mirrorCounts.get(route + '\0' + upstream + '\0' + result);
        return n == null ? 0 : n.sum();
    }

    /** A config reload was tried. */
    public void reload(boolean success) {
        reloads.labelValues(success ? "success" : "failure").inc();
    }

    // --- reading, for the admin API and dashboard ---

    /** Requests answered since start. */
    public long requestCount() {
        return requestCount.sum();
    }

    /** Tunnels open right now. */
    public long openTunnels() {
        return openTunnels.sum();
    }

    /** Candor errors of that type since start. */
    public long errorCount(ErrorType type) {
        return errorCounts[type.ordinal()].sum();
    }

    /** Request latency over about the last minute. */
    public LatencyWindow.Percentiles requestLatency() {
        return requestLatency.percentiles();
    }

    /** Attempt latency to one endpoint over about the last minute. */
    public LatencyWindow.Percentiles endpointLatency(String upstream, String endpoint) {
        ConcurrentHashMap<String, EndpointSeries> byEndpoint = endpoints.get(upstream);
        EndpointSeries e = byEndpoint == null ? null : byEndpoint.get(endpoint);
        return e == null ? LatencyWindow.Percentiles.NONE : e.latency.percentiles();
    }

    /**
     * Drops the series of an endpoint that is gone (DNS removed its address, or a reload its upstream),
     * so that label values stay bounded by what is running rather than by everything that ever ran.
     */
    public void forgetEndpoint(String upstream, String endpoint) {
        ConcurrentHashMap<String, EndpointSeries> byEndpoint = endpoints.get(upstream);
        if (byEndpoint != null) {
            byEndpoint.remove(endpoint);
        }
        attempts.removeIf(l -> l.get(0).equals(upstream) && l.get(1).equals(endpoint));
        upstreamDuration.remove(upstream, endpoint);
        errors.removeIf(l -> l.get(1).equals(upstream) && l.get(2).equals(endpoint));
    }

    /** Dates recent latency samples (see {@link LatencyWindow#fold}); call every few seconds. */
    public void foldLatencies() {
        requestLatency.fold();
        for (ConcurrentHashMap<String, EndpointSeries> byEndpoint : endpoints.values()) {
            for (EndpointSeries e : byEndpoint.values()) {
                e.latency.fold();
            }
        }
    }

    // --- series, resolved once ---

    private RouteSeries route(String name) {
        RouteSeries r = routes.get(name);
        return r != null ? r : routes.computeIfAbsent(name, n -> new RouteSeries(this, n));
    }

    private EndpointSeries endpoint(String upstream, String endpoint) {
        ConcurrentHashMap<String, EndpointSeries> byEndpoint = endpoints.get(upstream);
        if (byEndpoint == null) {
            byEndpoint = endpoints.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>());
        }
        EndpointSeries e = byEndpoint.get(endpoint);
        return e != null ? e : byEndpoint.computeIfAbsent(endpoint, n -> new EndpointSeries(this, upstream, n));
    }

    private UpstreamSeries upstream(String name) {
        UpstreamSeries u = upstreams.get(name);
        return u != null ? u : upstreams.computeIfAbsent(name, n -> new UpstreamSeries(this, n));
    }

    private static final class RouteSeries {
        final CounterDataPoint[] byClass = new CounterDataPoint[STATUS_CLASSES.length];
        final DistributionDataPoint duration;
        final Metrics metrics;
        final String route;

        RouteSeries(Metrics m, String route) {
            this.metrics = m;
            this.route = route;
            for (int i = 0; i < byClass.length; i++) {
                byClass[i] = m.requests.labelValues(route, STATUS_CLASSES[i]);
            }
            duration = m.requestDuration.labelValues(route);
        }

        /** A status outside 100-599 cannot come from the HTTP codec; counted rather than lost. */
        CounterDataPoint other() {
            return metrics.requests.labelValues(route, "other");
        }
    }

    private static final class EndpointSeries {
        final CounterDataPoint ok;
        final DistributionDataPoint duration;
        final LatencyWindow latency = LatencyWindow.lastMinute();

        EndpointSeries(Metrics m, String upstream, String endpoint) {
            ok = m.attempts.labelValues(upstream, endpoint, "ok");
            duration = m.upstreamDuration.labelValues(upstream, endpoint);
        }
    }

    private static final class UpstreamSeries {
        final CounterDataPoint retry;
        final CounterDataPoint stale;

        UpstreamSeries(Metrics m, String upstream) {
            retry = m.retries.labelValues(upstream, "retry");
            stale = m.retries.labelValues(upstream, "stale_connection");
        }
    }
}
