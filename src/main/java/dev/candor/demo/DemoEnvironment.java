package dev.candor.demo;

import dev.candor.config.AccessLogConfig;
import dev.candor.config.BalancerConfig;
import dev.candor.config.CandorConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.ErrorsConfig;
import dev.candor.config.HealthCheckConfig;
import dev.candor.config.HostPort;
import dev.candor.config.LimitsConfig;
import dev.candor.config.ListenerConfig;
import dev.candor.config.MatchConfig;
import dev.candor.config.OutlierConfig;
import dev.candor.config.PoolConfig;
import dev.candor.config.RetryConfig;
import dev.candor.config.RouteConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.config.UpstreamConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's backends (healthy, slow, refusing, closing mid-response, invalid) and the config that puts
 * Candor in front of them, one path prefix per backend.
 */
public final class DemoEnvironment implements AutoCloseable {
    /** Short enough that the slow backend (3 s) trips it. */
    static final Duration DEMO_RESPONSE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Quick active checks, so the dashboard soon shows each failing backend as unhealthy with its error
     * type. Each upstream has one endpoint and panics when it is unhealthy (routes to it anyway), so
     * every demo URL keeps showing its own failure rather than destination_unavailable.
     */
    private static final HealthCheckConfig HEALTH_CHECK = new HealthCheckConfig(HealthCheckConfig.Mode.HTTP, "/", null,
            Duration.ofSeconds(2), DEMO_RESPONSE_TIMEOUT, 2, 2, 200, 399);

    private final EventLoopGroup group;
    private final List<DemoBackend> backends;
    private final int refusedPort;

    private DemoEnvironment(EventLoopGroup group, List<DemoBackend> backends, int refusedPort) {
        this.group = group;
        this.backends = backends;
        this.refusedPort = refusedPort;
    }

    public static DemoEnvironment start() throws InterruptedException, IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<DemoBackend> backends = new ArrayList<>();
        for (DemoBackend.Behaviour b : DemoBackend.Behaviour.values()) {
            backends.add(DemoBackend.start(b, group, NioServerSocketChannel.class));
        }
        return new DemoEnvironment(group, backends, freePort());
    }

    /** A loopback port nothing listens on: bound once to learn it, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The proxy config: listener on {@code listen}, one route per backend, access log to stdout. */
    public CandorConfig config(HostPort listen) {
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        List<RouteConfig> routes = new ArrayList<>();
        for (DemoBackend b : backends) {
            String name = switch (b.behaviour()) {
                case HEALTHY -> "healthy";
                case SLOW -> "slow";
                case CLOSES_MID_RESPONSE -> "cut";
                case INVALID_RESPONSE -> "invalid";
            };
            addUpstream(upstreams, routes, name, b.port());
        }
        addUpstream(upstreams, routes, "refused", refusedPort);
        routes.add(new RouteConfig("default", MatchConfig.ANY, "healthy"));
        return new CandorConfig(null,
                List.of(new ListenerConfig("demo", listen)),
                0,
                AccessLogConfig.STDOUT,
                // The demo is about seeing the evidence: clients get the details too.
                new ErrorsConfig(ErrorsConfig.Expose.DETAILS),
                LimitsConfig.DEFAULTS,
                Duration.ofSeconds(5),
                routes,
                upstreams);
    }

    /**
     * The same proxy config as YAML text, as an operator would write it, with the access log going to
     * {@code accessLog} (a path, {@code stdout} or {@code off}).
     */
    public String yaml(HostPort listen, String accessLog) {
        StringBuilder y = new StringBuilder();
        y.append("listeners:\n  - address: \"").append(listen).append("\"\n");
        y.append("access_log: ").append(accessLog.equals("off") ? "off" : "{ path: \"" + accessLog + "\" }").append('\n');
        y.append("errors: { expose: details }\n");
        y.append("shutdown_grace: 5s\n");
        CandorConfig c = config(listen);
        y.append("routes:\n");
        for (RouteConfig r : c.routes()) {
            y.append("  - name: ").append(r.name()).append('\n');
            if (r.match().pathPrefix() != null) {
                y.append("    match: { path_prefix: \"").append(r.match().pathPrefix()).append("\" }\n");
            }
            y.append("    upstream: ").append(r.upstream()).append('\n');
        }
        y.append("upstreams:\n");
        for (UpstreamConfig u : c.upstreams().values()) {
            TimeoutsConfig t = u.timeouts();
            y.append("  ").append(u.name()).append(":\n");
            y.append("    endpoints:\n");
            for (EndpointConfig e : u.endpoints()) {
                y.append("      - address: \"").append(e.address()).append("\"\n");
            }
            y.append("    timeouts: { connect: ").append(t.connect().toMillis()).append("ms, response: ")
                    .append(t.response().toMillis()).append("ms, idle: ").append(t.idle().toMillis()).append("ms }\n");
            HealthCheckConfig h = u.healthCheck();
            y.append("    health_check: { path: ").append(h.path()).append(", interval: ").append(h.interval().toMillis())
                    .append("ms, timeout: ").append(h.timeout().toMillis()).append("ms, healthy_threshold: ")
                    .append(h.healthyThreshold()).append(", unhealthy_threshold: ").append(h.unhealthyThreshold())
                    .append(" }\n");
            y.append("    when_all_unhealthy: panic\n");
        }
        return y.toString();
    }

    private static void addUpstream(Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes, String name, int port) {
        TimeoutsConfig timeouts = new TimeoutsConfig(Duration.ofSeconds(2), DEMO_RESPONSE_TIMEOUT, Duration.ofSeconds(5));
        upstreams.put(name, new UpstreamConfig(name,
                List.of(new EndpointConfig(new HostPort("127.0.0.1", port), 1)),
                BalancerConfig.ROUND_ROBIN, timeouts, PoolConfig.DEFAULTS, HEALTH_CHECK, OutlierConfig.DEFAULTS,
                RetryConfig.DEFAULTS, UpstreamConfig.AllUnhealthy.PANIC));
        routes.add(new RouteConfig(name, new MatchConfig(null, "/" + name, null), name));
    }

    /** What to try, one curl line per kind of backend. */
    public static List<String> tryLines(String base) {
        return List.of(
                "curl -i " + base + "/healthy        # 200 through the proxy",
                "curl -i " + base + "/slow           # 504 http_response_timeout: no header within 1s",
                "curl -i " + base + "/refused        # 502 connection_refused: nothing listens there",
                "curl -i " + base + "/cut -o /dev/null  # 200, then cut: http_response_incomplete",
                "curl -i " + base + "/invalid        # 502 http_protocol_error: the backend does not speak HTTP",
                "curl -i -H 'Accept: application/json' " + base + "/refused   # the same, as problem+json");
    }

    @Override
    public void close() {
        backends.forEach(DemoBackend::close);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
