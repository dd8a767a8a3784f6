package dev.candor.admin;

import dev.candor.client.ConnectionPools;
import dev.candor.failure.ErrorType;
import dev.candor.observe.LatencyWindow;
import dev.candor.observe.Metrics;
import dev.candor.server.CandorServer;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import dev.candor.upstream.ProbeRecord;
import dev.candor.upstream.Upstream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/upstreams}: every upstream and endpoint of the running config, read live. */
final class UpstreamsView {
    private UpstreamsView() {
    }

    static Map<String, Object> all(CandorServer server) {
        List<Object> list = new ArrayList<>();
        for (Upstream u : server.upstreams().all()) {
            list.add(upstream(server, u));
        }
        return Map.of("upstreams", list);
    }

    static Map<String, Object> upstream(CandorServer server, Upstream u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", u.name());
        out.put("balancer", u.config().balancer().toString());
        out.put("health_check", u.config().healthCheck() != null);
        out.put("pending", u.pending().get());
        List<Object> endpoints = new ArrayList<>();
        int usable = 0;
        // Read at request time, never cached: DNS may change an upstream's endpoints at any moment.
        for (Endpoint e : u.endpoints()) {
            endpoints.add(endpoint(server.pools(), server.metrics(), u, e));
            usable += e.health().usable() ? 1 : 0;
        }
        out.put("healthy_endpoints", usable);
        out.put("dns", DnsView.sources(u));
        out.put("endpoints", endpoints);
        return out;
    }

    private static Map<String, Object> endpoint(ConnectionPools pools, Metrics metrics, Upstream u, Endpoint e) {
        EndpointHealth h = e.health();
        EndpointState state = h.state();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", e.label());
        out.put("configured", e.address().toString());
        out.put("resolved", resolved(e));
        out.put("weight", e.weight());
        out.put("state", state.token());
        out.put("why", h.why());
        out.put("since", state == EndpointState.UNHEALTHY || state == EndpointState.HEALTHY
                ? h.since().toString() : null);
        ErrorType unhealthy = state == EndpointState.UNHEALTHY ? h.unhealthyError() : null;
        out.put("error", unhealthy == null ? null : unhealthy.token());
        Instant ejectedUntil = h.ejectedUntil();
        out.put("ejected_until", ejectedUntil == null ? null : ejectedUntil.toString());
        out.put("ejections", h.ejections());
        out.put("last_check", lastCheck(h.lastProbe()));
        out.put("consecutive_failures", h.consecutiveFailures());
        int open = pools.openConnections(e);
        int idle = pools.idleConnections(e);
        out.put("active_connections", Math.max(0, open - idle));
        out.put("idle_connections", idle);
        out.put("peak_connections", pools.peakOpenConnections(e));
        out.put("in_flight", h.inFlight());
        out.put("requests", h.requests());
        Map<String, Object> errors = new LinkedHashMap<>();
        h.errorCounts().forEach((type, n) -> errors.put(type.token(), n));
        out.put("errors", errors);
        LatencyWindow.Percentiles p = metrics.endpointLatency(u.name(), e.label());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", p.count() == 0 ? null : p.p50Ms());
        latency.put("p99", p.count() == 0 ? null : p.p99Ms());
        latency.put("samples", p.count());
        out.put("latency_ms", latency);
        return out;
    }

    /** The IP address and port connected to: a configured name has one endpoint per address of its answer. */
    private static List<String> resolved(Endpoint e) {
        return e.socketAddress().isUnresolved() ? List.of() : List.of(Endpoint.ipPort(e.socketAddress()));
    }

    private static Map<String, Object> lastCheck(ProbeRecord r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", r.time().toString());
        out.put("ok", r.ok());
        out.put("error", r.error() == null ? null : r.error().token());
        out.put("detail", r.detail());
        out.put("latency_ms", Math.round(r.latencyNanos() / 10_000.0) / 100.0);
        return out;
    }
}
