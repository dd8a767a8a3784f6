package dev.candor.testing;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.observe.AccessLogEntry;
import dev.candor.server.CandorServer;
import dev.candor.upstream.Endpoint;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link CandorServer} started from YAML text in which {@code ${NAME}} placeholders are filled from a
 * map (e.g. {@code BACKEND_PORT}), with a {@link RecordingAccessLog}. Closing stops it at once.
 */
public final class ProxyUnderTest implements AutoCloseable {
    private final CandorServer server;
    private final RecordingAccessLog accessLog;

    private ProxyUnderTest(CandorServer server, RecordingAccessLog accessLog) {
        this.server = server;
        this.accessLog = accessLog;
    }

    /** Starts the proxy; {@code vars} fill {@code ${NAME}} references (values via toString). */
    public static ProxyUnderTest start(String yaml, Map<String, ?> vars) {
        Map<String, String> env = new HashMap<>();
        vars.forEach((k, v) -> env.put(k, String.valueOf(v)));
        CandorConfig config;
        try {
            config = ConfigLoader.parse(yaml, "test.yaml", null, env::get);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("test config is invalid: " + e.getMessage(), e);
        }
        RecordingAccessLog log = new RecordingAccessLog();
        try {
            return new ProxyUnderTest(CandorServer.start(config, log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One listener on 127.0.0.1:0 routing everything to one upstream "app" at {@code backend}, with
     * extra YAML for the top level (e.g. a {@code limits:} block) and for the upstream (indented by 4).
     */
    public static ProxyUnderTest inFrontOf(TestBackend backend, String topLevelYaml, String upstreamYaml) {
        return inFrontOf(backend.port(), topLevelYaml, upstreamYaml);
    }

    /**
     * The same in front of 127.0.0.1:{@code backendPort}, whatever listens there (or nothing): for
     * backends that are not a {@link TestBackend}, such as a closed port or a listener that never accepts.
     */
    public static ProxyUnderTest inFrontOf(int backendPort, String topLevelYaml, String upstreamYaml) {
        return start(inFrontOfYaml("", topLevelYaml, upstreamYaml), Map.of("BACKEND_PORT", backendPort));
    }

    /**
     * The same with every default, but the listener speaks TLS (both ALPN protocols offered) with {@code cert}
     * as its only certificate.
     */
    public static ProxyUnderTest tlsInFrontOf(int backendPort, TestPki.Issued cert) {
        String tls = """
                tls:
                  certificates:
                    - cert: ${CERT}
                      key: ${KEY}
                """;
        return start(inFrontOfYaml(tls, "", ""),
                Map.of("BACKEND_PORT", backendPort, "CERT", cert.certFile(), "KEY", cert.keyFile()));
    }

    private static String inFrontOfYaml(String listenerYaml, String topLevelYaml, String upstreamYaml) {
        // Two event loops unless the test chooses: enough to show cross-loop behaviour, cheap to start.
        String workers = topLevelYaml.contains("workers:") ? "" : "workers: 2";
        return """
                listeners:
                  - address: 127.0.0.1:0
                %s
                %s
                %s
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:${BACKEND_PORT}
                %s
                """.formatted(listenerYaml.indent(4).stripTrailing(), workers, topLevelYaml,
                upstreamYaml.indent(4).stripTrailing());
    }

    /**
     * One listener on 127.0.0.1:0 routing everything to one upstream "app" with an endpoint at
     * 127.0.0.1:port for each of {@code backendPorts}, in that order (round robin starts with the first),
     * with extra YAML for the top level and for the upstream (indented by 4).
     */
    public static ProxyUnderTest inFrontOfAll(List<Integer> backendPorts, String topLevelYaml, String upstreamYaml) {
        if (backendPorts.isEmpty()) {
            throw new IllegalArgumentException("no backend ports");
        }
        String workers = topLevelYaml.contains("workers:") ? "" : "workers: 2";
        StringBuilder endpoints = new StringBuilder();
        for (int port : backendPorts) {
            endpoints.append("      - address: 127.0.0.1:").append(port).append('\n');
        }
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                %s
                %s
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                %s
                %s
                """.formatted(workers, topLevelYaml, endpoints.toString().stripTrailing(),
                upstreamYaml.indent(4).stripTrailing());
        return start(yaml, Map.of());
    }

    /** The endpoint 127.0.0.1:{@code port} of upstream "app", with its live health. */
    public Endpoint endpoint(int port) {
        String label = "127.0.0.1:" + port;
        return server.upstreams().get("app").endpoints().stream().filter(e -> e.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("upstream app has no endpoint " + label));
    }

    /** The same, with every default. */
    public static ProxyUnderTest inFrontOf(TestBackend backend) {
        return inFrontOf(backend, "", "");
    }

    public InetSocketAddress address() {
        return server.addresses().get(0);
    }

    public CandorServer server() {
        return server;
    }

    public RecordingAccessLog accessLog() {
        return accessLog;
    }

    /** A new raw connection to the proxy. */
    public RawHttp connect() {
        return RawHttp.connect(address());
    }

    /** {@code GET path} on a new connection; see {@link RawHttp#get}. */
    public RawResponse get(String path, String... headerLines) {
        return RawHttp.get(address(), path, headerLines);
    }

    /** Sends exactly {@code request} on a new connection and reads one response. */
    public RawResponse exchange(String request) {
        return RawHttp.exchange(address(), request);
    }

    public AccessLogEntry awaitEntry(Predicate<AccessLogEntry> predicate) {
        return accessLog.awaitEntry(predicate);
    }

    /** The access-log entry of the request whose response carried this X-Request-Id. */
    public AccessLogEntry awaitEntry(RawResponse response) {
        return accessLog.awaitEntry(response.header("X-Request-Id"));
    }

    public List<AccessLogEntry> awaitEntries(int n) {
        return accessLog.awaitEntries(n);
    }

    /**
     * The sum of the counter {@code name} (without {@code _total}) over its series whose labels include
     * {@code labels} (name, value, name, value…), read from the registry; 0 when there is none.
     */
    public double counter(String name, String... labels) {
        double sum = 0;
        for (var snapshot : server.metrics().registry().scrape()) {
            if (snapshot instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (var point : c.getDataPoints()) {
                    boolean match = true;
                    for (int i = 0; i + 1 < labels.length; i += 2) {
                        match &= labels[i + 1].equals(point.getLabels().get(labels[i]));
                    }
                    sum += match ? point.getValue() : 0;
                }
            }
        }
        return sum;
    }

    @Override
    public void close() {
        server.close();
    }
}
