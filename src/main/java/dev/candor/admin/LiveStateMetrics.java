package dev.candor.admin;

import dev.candor.client.ConnectionPools;
import dev.candor.server.CandorServer;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.EndpointState;
import dev.candor.upstream.Upstream;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Gauges and counters read from the running server at scrape time (pools, endpoint states, in-flight
 * requests, client connections, DNS lookups), so they always describe the current config and the current DNS answers, and
 * cost the request path nothing.
 */
final class LiveStateMetrics {
    private static final EndpointState[] STATES = EndpointState.values();

    private LiveStateMetrics() {
    }

    static void register(PrometheusRegistry registry, CandorServer server, String version) {
        GaugeWithCallback.builder().name("candor_upstream_connections")
                .help("Pooled connections to each endpoint, by state (active: lent to a request; idle)")
                .labelNames("upstream", "endpoint", "state")
                .callback(cb -> {
                    ConnectionPools pools = server.pools();
                    for (Upstream u : server.upstreams().all()) {
                        for (Endpoint e : u.endpoints()) {
                            int idle = pools.idleConnections(e);
                            cb.call(Math.max(0, pools.openConnections(e) - idle), u.name(), e.label(), "active");
                            cb.call(idle, u.name(), e.label(), "idle");
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("candor_endpoint_state")
                .help("1 for the state each endpoint is in (healthy, unhealthy, ejected, draining), 0 for the others")
                .labelNames("upstream", "endpoint", "state")
                .callback(cb -> {
                    for (Upstream u : server.upstreams().all()) {
                        for (Endpoint e : u.endpoints()) {
                            EndpointState now = e.health().state();
                            for (EndpointState s : STATES) {
                                cb.call(s == now ? 1 : 0, u.name(), e.label(), s.token());
                            }
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("candor_upstream_requests_in_flight")
                .help("Attempts under way to each endpoint")
                .labelNames("upstream", "endpoint")
                .callback(cb -> {
                    for (Upstream u : server.upstreams().all()) {
                        for (Endpoint e : u.endpoints()) {
                            cb.call(e.health().inFlight(), u.name(), e.label());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("candor_client_connections")
                .help("Open client (downstream) connections")
                .callback(cb -> cb.call(server.clientConnections())).register(registry);
        CounterWithCallback.builder().name("candor_access_log_dropped_total")
                .help("Access-log lines dropped because the writer could not keep up")
                .callback(cb -> cb.call(server.accessLog().dropped())).register(registry);
        CounterWithCallback.builder().name("candor_dns_lookups_total")
                .help("DNS lookups of upstream host names started")
                .callback(cb -> cb.call(server.dns().lookups())).register(registry);
        CounterWithCallback.builder().name("candor_dns_failures_total")
                .help("DNS lookups that found no answer (dns_error or dns_timeout)")
                .callback(cb -> cb.call(server.dns().failures())).register(registry);
        CounterWithCallback.builder().name("candor_dns_stale_answers_total")
                .help("Failed DNS lookups after which the last good answer kept serving (dns.stale_for)")
                .callback(cb -> cb.call(server.dns().staleAnswers())).register(registry);
        CounterWithCallback.builder().name("candor_dns_changes_total")
                .help("Changes of a host name's set of addresses, first answers included")
                .callback(cb -> cb.call(server.dns().changes())).register(registry);
        GaugeWithCallback.builder().name("candor_start_time_seconds")
                .help("When the process started, in seconds since the epoch")
                .callback(cb -> cb.call(server.startedAt().toEpochMilli() / 1000.0)).register(registry);
        Info info = Info.builder().name("candor_build_info").help("The running Candor version")
                .labelNames("version").register(registry);
        info.setLabelValues(version);
    }
}
