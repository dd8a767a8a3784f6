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
 * @param admin the admin listener ({@link AdminConfig#OFF} when disabled)
 * @param workers event-loop threads; 0 means one per available core
 * @param upstreams by name, in the order they were declared
 * @param dns how endpoint host names are resolved
 * @param edge trusted proxies and the rate-limit store
 * @param journal the SQLite journal ({@link JournalConfig#OFF} when disabled)
 */
public record CandorConfig(
        Path source,
        List<ListenerConfig> listeners,
        AdminConfig admin,
        int workers,
        AccessLogConfig accessLog,
        ErrorsConfig errors,
        LimitsConfig limits,
        Duration shutdownGrace,
        List<RouteConfig> routes,
        Map<String, UpstreamConfig> upstreams,
        DnsConfig dns,
        EdgeConfig edge,
        JournalConfig journal) {

    /** A config with the default admin listener (127.0.0.1:9901, no token) and the default resolver settings. */
    public CandorConfig(Path source, List<ListenerConfig> listeners, int workers, AccessLogConfig accessLog,
                        ErrorsConfig errors, LimitsConfig limits, Duration shutdownGrace, List<RouteConfig> routes,
                        Map<String, UpstreamConfig> upstreams) {
        this(source, listeners, workers, accessLog, errors, limits, shutdownGrace, routes, upstreams, DnsConfig.DEFAULTS);
    }

    /** A config with the default admin listener (127.0.0.1:9901, no token). */
    public CandorConfig(Path source, List<ListenerConfig> listeners, int workers, AccessLogConfig accessLog,
                        ErrorsConfig errors, LimitsConfig limits, Duration shutdownGrace, List<RouteConfig> routes,
                        Map<String, UpstreamConfig> upstreams, DnsConfig dns) {
        this(source, listeners, AdminConfig.DEFAULTS, workers, accessLog, errors, limits, shutdownGrace, routes,
                upstreams, dns);
    }

    /** A config without trusted proxies, with local rate-limit buckets. */
    public CandorConfig(Path source, List<ListenerConfig> listeners, AdminConfig admin, int workers,
                        AccessLogConfig accessLog, ErrorsConfig errors, LimitsConfig limits, Duration shutdownGrace,
                        List<RouteConfig> routes, Map<String, UpstreamConfig> upstreams, DnsConfig dns) {
        this(source, listeners, admin, workers, accessLog, errors, limits, shutdownGrace, routes, upstreams, dns,
                EdgeConfig.DEFAULTS);
    }

    /** A config without a journal (as built in code). */
    public CandorConfig(Path source, List<ListenerConfig> listeners, AdminConfig admin, int workers,
                        AccessLogConfig accessLog, ErrorsConfig errors, LimitsConfig limits, Duration shutdownGrace,
                        List<RouteConfig> routes, Map<String, UpstreamConfig> upstreams, DnsConfig dns, EdgeConfig edge) {
        this(source, listeners, admin, workers, accessLog, errors, limits, shutdownGrace, routes, upstreams, dns,
                edge, JournalConfig.OFF);
    }

    public CandorConfig {
        listeners = List.copyOf(requireNonNull(listeners, "listeners"));
        requireNonNull(admin, "admin");
        requireNonNull(accessLog, "accessLog");
        requireNonNull(errors, "errors");
        requireNonNull(limits, "limits");
        requireNonNull(shutdownGrace, "shutdownGrace");
        routes = List.copyOf(requireNonNull(routes, "routes"));
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requireNonNull(upstreams, "upstreams")));
        requireNonNull(dns, "dns");
        requireNonNull(edge, "edge");
        requireNonNull(journal, "journal");
    }

    /** The same config with another admin listener. */
    public CandorConfig withAdmin(AdminConfig other) {
        return new CandorConfig(source, listeners, other, workers, accessLog, errors, limits, shutdownGrace, routes,
                upstreams, dns, edge, journal);
    }

    /** The number of event-loop threads to start, resolving {@code auto}. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }
}
