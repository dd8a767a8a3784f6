package dev.candor.admin;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.server.CandorServer;
import dev.candor.testing.RecordingAccessLog;
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
import java.util.Map;

/**
 * A proxy started from a config file on disk (so it can be reloaded), with its admin listener on
 * 127.0.0.1:0 and an HTTP client for both. Closing stops everything.
 */
final class AdminUnderTest implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    final Path file;
    final CandorServer server;
    final Reloader reloader;
    final AdminServer admin;
    final RecordingAccessLog accessLog = new RecordingAccessLog();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    private AdminUnderTest(Path file, String yaml, String token) throws ConfigException, IOException {
        this.file = file;
        this.token = token;
        Files.writeString(file, yaml);
        CandorConfig config = ConfigLoader.parse(yaml, file.toString(), file, Map.<String, String>of()::get);
        this.server = CandorServer.start(config, accessLog);
        this.reloader = new Reloader(server, file, Map.<String, String>of()::get);
        this.admin = AdminServer.start(config.admin(), server, reloader, "test");
    }

    /** Starts from {@code yaml}, which should name {@code admin.address: 127.0.0.1:0}. */
    static AdminUnderTest start(Path dir, String yaml) {
        return start(dir, yaml, null);
    }

    /** The same, sending {@code Authorization: Bearer token} with every admin call (unless null). */
    static AdminUnderTest start(Path dir, String yaml, String token) {
        try {
            return new AdminUnderTest(dir.resolve("candor.yaml"), yaml, token);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("test config is invalid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A config with one listener on 127.0.0.1:0, the admin listener on 127.0.0.1:0, a catch-all route
     * {@code all} to upstream {@code app} with an endpoint per port, and extra upstream YAML.
     */
    static String config(String upstreamYaml, int... ports) {
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
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                %s%s
                """.formatted(endpoints, upstreamYaml.indent(4).stripTrailing());
    }

    InetSocketAddress proxy() {
        return server.addresses().get(0);
    }

    URI proxyUri(String path) {
        return URI.create("http://127.0.0.1:" + proxy().getPort() + path);
    }

    URI adminUri(String path) {
        return URI.create(admin.url() + path);
    }

    /** Sends a GET through the proxy. */
    HttpResponse<String> request(String path) {
        return send(HttpRequest.newBuilder(proxyUri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    HttpResponse<String> get(String path) {
        return send(admin(path).GET().build());
    }

    HttpResponse<String> post(String path) {
        return send(admin(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    HttpRequest.Builder admin(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest request) {
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
    JsonNode json(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static JsonNode parse(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    void rewrite(String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        admin.close();
        server.close();
    }
}
