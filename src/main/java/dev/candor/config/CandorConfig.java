package dev.candor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One validated configuration snapshot: everything the proxy needs, immutable, built once by
 * {@link ConfigLoader} and never read raw again.
 *
 * @param source the file it was loaded from, or {@code null} when built in code
 * @param workers event-loop threads; 0 means one per available core
 * @param upstreams by name, in the order they were declared
 * @param dns how endpoint host names are resolved
 */
public record CandorConfig(
        Path source,
        List<ListenerConfig> listeners,
        int workers,
        AccessLogConfig accessLog,
        ErrorsConfig errors,
        LimitsConfig limits,
        Duration shutdownGrace,
        List<RouteConfig> routes,
        Map<String, UpstreamConfig> upstreams,
        DnsConfig dns) {

    /** A config with the default resolver settings. */
    public CandorConfig(Path source, List<ListenerConfig> listeners, int workers, AccessLogConfig accessLog,
                        ErrorsConfig errors, LimitsConfig limits, Duration shutdownGrace, List<RouteConfig> routes,
                        Map<String, UpstreamConfig> upstreams) {
        this(source, listeners, workers, accessLog, errors, limits, shutdownGrace, routes, upstreams, DnsConfig.DEFAULTS);
    }

    public CandorConfig {
        listeners = List.copyOf(requireNonNull(listeners, "listeners"));
        requireNonNull(accessLog, "accessLog");
        requireNonNull(errors, "errors");
        requireNonNull(limits, "limits");
        requireNonNull(shutdownGrace, "shutdownGrace");
        routes = List.copyOf(requireNonNull(routes, "routes"));
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requireNonNull(upstreams, "upstreams")));
        requireNonNull(dns, "dns");
    }

    /** The number of event-loop threads to start, resolving {@code auto}. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }
}
