package dev.candor.testing;

import dev.candor.admin.AdminServer;
import dev.candor.admin.Reloader;
import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.server.CandorServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A proxy started from a config file on disk (so it can be reloaded), with its admin listener on
 * 127.0.0.1:0, a {@link RecordingAccessLog} and an HTTP client for both. Closing stops everything.
 */
public final class AdminUnderTest implements AutoCloseable {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final CandorServer server;
    private final Reloader reloader;
    private final AdminServer admin;
    /** Null when the proxy writes the access log its config names. */
    private final RecordingAccessLog accessLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    private AdminUnderTest(Path file, String yaml, String token, boolean configuredLog)
            throws ConfigException, IOException {
        this.file = file;
        this.token = token;
        Files.writeString(file, yaml);
        CandorConfig config = ConfigLoader.parse(yaml, file.toString(), file, Map.<String, String>of()::get);
        this.accessLog = configuredLog ? null : new RecordingAccessLog();
        this.server = configuredLog ? CandorServer.start(config) : CandorServer.start(config, accessLog);
        try {
            this.reloader = new Reloader(server, file, Map.<String, String>of()::get);
            this.admin = AdminServer.start(config.admin(), server, reloader, "test");
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts from {@code yaml} written to {@code dir/candor.yaml}, which should name {@code admin.address: 127.0.0.1:0}. */
    public static AdminUnderTest start(Path dir, String yaml) {
        return start(dir, yaml, null);
    }

    /** The same, sending {@code Authorization: Bearer token} with every admin call (unless null). */
    public static AdminUnderTest start(Path dir, String yaml, String token) {
        return start(dir, yaml, token, false);
    }

    /**
     * The same, but the proxy writes the access log its config names (e.g. a file, for log rotation)
     * instead of recording it; {@link #accessLog()} is then null.
     */
    public static AdminUnderTest startWithConfiguredAccessLog(Path dir, String yaml, String token) {
        return start(dir, yaml, token, true);
    }

    private static AdminUnderTest start(Path dir, String yaml, String token, boolean configuredLog) {
        try {
            return new AdminUnderTest(dir.resolve("candor.yaml"), yaml, token, configuredLog);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("test config is invalid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A config with one listener on 127.0.0.1:0, the admin listener on 127.0.0.1:0, two workers, a catch-all
     * route {@code all} to upstream {@code app} with an endpoint per port, and extra upstream YAML.
     */
    public static String config(String upstreamYaml, int... ports) {
        return configWithUpstream("app", upstreamYaml, ports);
    }

    /** The same with the upstream named {@code upstream} instead of {@code app}. */
    public static String configWithUpstream(String upstream, String upstreamYaml, int... ports) {
        StringBuilder endpoints = new StringBuilder();
        for (int p : ports) {
            endpoints.append("      - address: 127.0.0.1:").append(p).append('\n');
        }
        return """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                workers: 2
                routes:
                  - name: all
                    upstream: %s
                upstreams:
                  %s:
                    endpoints:
                %s%s
                """.formatted(upstream, upstream, endpoints, upstreamYaml.indent(4).stripTrailing());
    }

    /** The config file the proxy was started from (and reloads). */
    public Path file() {
        return file;
    }

    public CandorServer server() {
        return server;
    }

    public Reloader reloader() {
        return reloader;
    }

    /** The recorded access log, or null when started with the configured one. */
    public RecordingAccessLog accessLog() {
        return accessLog;
    }

    public HttpClient http() {
        return http;
    }

    /** The proxy's (first) listener. */
    public InetSocketAddress address() {
        return server.addresses().get(0);
    }

    public URI proxyUri(String path) {
        return URI.create("http://127.0.0.1:" + address().getPort() + path);
    }

    public URI adminUri(String path) {
        return URI.create(admin.url() + path);
    }

    /** Sends a GET through the proxy. */
    public HttpResponse<String> request(String path) {
        return send(HttpRequest.newBuilder(proxyUri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** GET on the admin listener. */
    public HttpResponse<String> get(String path) {
        return send(admin(path).GET().build());
    }

    /** POST with no body on the admin listener. */
    public HttpResponse<String> post(String path) {
        return send(admin(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** A request to the admin listener, with the token if there is one. */
    public HttpRequest.Builder admin(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET, expecting 200 and JSON. */
    public JsonNode json(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public static JsonNode parse(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    /** Writes {@code yaml} over the config file. */
    public void rewrite(String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code yaml} over the config file and asks the admin listener to reload it. */
    public HttpResponse<String> reload(String yaml) {
        rewrite(yaml);
        return post("/api/reload");
    }

    /**
     * The sum of every sample of {@code name} in {@code /metrics} whose labels include {@code labels}
     * (name, value, name, value…); 0 when there is none.
     */
    public double metric(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        double sum = 0;
        for (MetricSample s : scrape()) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet())) {
                sum += s.value();
            }
        }
        return sum;
    }

    /** The names of every sample in {@code /metrics}. */
    public Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        scrape().forEach(s -> names.add(s.name()));
        return names;
    }

    private List<MetricSample> scrape() {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + r.statusCode() + ": " + r.body());
        }
        return MetricSample.parseAll(r.body());
    }

    @Override
    public void close() {
        admin.close();
        server.close();
    }
}
