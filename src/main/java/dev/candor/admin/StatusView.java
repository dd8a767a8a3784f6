package dev.candor.admin;

import dev.candor.config.ConfigProblem;
import dev.candor.config.ListenerConfig;
import dev.candor.server.CandorServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/status} and the answer to a reload. */
final class StatusView {
    private StatusView() {
    }

    static Map<String, Object> of(CandorServer server, Reloader reloader, String version) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", version);
        out.put("started", server.startedAt().toString());
        out.put("uptime_s", Duration.between(server.startedAt(), Instant.now()).toSeconds());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("file", reloader.file() == null ? null : reloader.file().toAbsolutePath().toString());
        config.put("sha256", reloader.hash());
        Reloader.Result last = reloader.last();
        config.put("last_reload", last == null ? null : reload(last));
        out.put("config", config);
        List<Object> listeners = new ArrayList<>();
        List<ListenerConfig> configured = server.config().listeners();
        List<InetSocketAddress> bound = server.addresses();
        for (int i = 0; i < configured.size(); i++) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", configured.get(i).name());
            l.put("address", configured.get(i).address().toString());
            l.put("bound", i < bound.size() ? bound.get(i).getAddress().getHostAddress() + ":" + bound.get(i).getPort()
                    : null);
            listeners.add(l);
        }
        out.put("listeners", listeners);
        out.put("transport", server.transportName());
        out.put("workers", server.config().effectiveWorkers());
        out.put("client_connections", server.clientConnections());
        out.put("tunnels_open", server.metrics().openTunnels());
        out.put("requests", server.metrics().requestCount());
        out.put("stale_connection_retries", server.staleRetries());
        out.put("recent_failures", server.failures().total());
        out.put("journal", JournalView.status(server.journal()));
        out.put("rate_limit_store", rateLimitStore(server.rateLimitStore()));
        return out;
    }

    /** {@code {"url":"local"}}, or the Redis store's state: while it is unreachable, since when and why. */
    private static Map<String, Object> rateLimitStore(dev.candor.server.CandorServer.RateLimitStoreStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (s == null) {
            out.put("url", "local");
            return out;
        }
        out.put("url", s.url());
        out.put("state", s.connected() ? "connected" : "unreachable");
        out.put("using", s.connected() ? "shared buckets" : "local buckets");
        out.put("unreachable_since", s.downSince() == null ? null : s.downSince().toString());
        out.put("error", s.downReason());
        return out;
    }

    static Map<String, Object> reload(Reloader.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", r.ok());
        out.put("time", r.time().toString());
        out.put("trigger", r.trigger());
        out.put("duration_ms", r.durationMicros() / 1000.0);
        out.put("sha256", r.hash());
        out.put("errors", r.problems().stream().map(ConfigProblem::toString).toList());
        out.put("warnings", r.warnings());
        if (r.outcome() != null) {
            Map<String, Object> upstreams = new LinkedHashMap<>();
            upstreams.put("kept", r.outcome().kept());
            upstreams.put("started", r.outcome().started());
            upstreams.put("retired", r.outcome().retired());
            out.put("upstreams", upstreams);
        }
        return out;
    }
}
