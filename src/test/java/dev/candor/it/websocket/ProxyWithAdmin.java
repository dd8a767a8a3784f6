package dev.candor.it.websocket;

import dev.candor.admin.AdminServer;
import dev.candor.admin.Reloader;
import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.server.CandorServer;
import dev.candor.testing.RecordingAccessLog;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A proxy started from a config file on disk, so that it can be reloaded through {@code POST /api/reload},
 * with its admin listener on 127.0.0.1:0 for {@code /metrics}. Closing stops both.
 */
final class ProxyWithAdmin implements AutoCloseable {
    private final Path file;
    private final CandorServer server;
    private final AdminServer admin;
    private final RecordingAccessLog accessLog = new RecordingAccessLog();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ProxyWithAdmin(Path file, String yaml) throws ConfigException, IOException {
        this.file = file;
        Files.writeString(file, yaml);
        CandorConfig config = ConfigLoader.parse(yaml, file.toString(), file, Map.<String, String>of()::get);
        this.server = CandorServer.start(config, accessLog);
        try {
            this.admin = AdminServer.start(config.admin(), server,
                    new Reloader(server, file, Map.<String, String>of()::get), "test");
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts from {@code yaml} written to {@code dir/candor.yaml}; see {@link #config}. */
    static ProxyWithAdmin start(Path dir, String yaml) {
        try {
            return new ProxyWithAdmin(dir.resolve("candor.yaml"), yaml);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("test config is invalid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One listener and the admin listener on 127.0.0.1:0, two workers, a catch-all route {@code all} to
     * upstream {@code upstreamName} with one endpoint at 127.0.0.1:{@code port}, and extra YAML for that
     * upstream.
     */
    static String config(String upstreamName, int port, String upstreamYaml) {
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
                      - address: 127.0.0.1:%d
                %s
                """.formatted(upstreamName, upstreamName, port, upstreamYaml.indent(4).stripTrailing());
    }

    InetSocketAddress address() {
        return server.addresses().get(0);
    }

    RecordingAccessLog accessLog() {
        return accessLog;
    }

    /** Writes {@code yaml} over the config file and asks the admin listener to reload it. */
    HttpResponse<String> reload(String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return send(HttpRequest.newBuilder(URI.create(admin.url() + "/api/reload"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /**
     * The sum of every sample of {@code name} in {@code /metrics} whose labels include {@code labels}
     * (name, value, name, value…); 0 when there is none.
     */
    double metric(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        double sum = 0;
        for (Sample s : scrape()) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet())) {
                sum += s.value();
            }
        }
        return sum;
    }

    /** The names of every sample in {@code /metrics}. */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        scrape().forEach(s -> names.add(s.name()));
        return names;
    }

    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private List<Sample> scrape() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(admin.url() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + r.statusCode() + ": " + r.body());
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(parse(line));
            }
        }
        return samples;
    }

    /** One line of the Prometheus text format: {@code name{a="x",b="y"} value [timestamp]}. */
    private static Sample parse(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new HashMap<>();
        String name;
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] fields = line.substring(rest).trim().split(" ");
        return new Sample(name, labels, number(fields[0]));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin.close();
        server.close();
    }
}
