package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Parses metrics exposition with the Prometheus project's own Python client parser (Debian package
 * {@code python3-prometheus-client}, which {@code .ci/run} installs), so the format is checked by a real
 * parser rather than by ours. Outside CI the tests skip when it is missing.
 */
final class PrometheusParser {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = """
            import json, sys
            fmt = sys.argv[1]
            if fmt == "openmetrics":
                from prometheus_client.openmetrics.parser import text_string_to_metric_families
            else:
                from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append({"family": family.name, "type": family.type, "name": s.name,
                                "labels": s.labels, "value": s.value})
            json.dump(out, sys.stdout)
            """;

    /** One sample as parsed. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private PrometheusParser() {
    }

    static void assumeAvailable() {
        boolean available = Files.isExecutable(PYTHON) && run("import prometheus_client", "").exit == 0;
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must have /usr/bin/python3 with prometheus_client (apt: python3-prometheus-client)");
        }
        assumeTrue(available, "skipped: /usr/bin/python3 with prometheus_client (apt: python3-prometheus-client) not found");
    }

    /** Parses {@code text} as {@code prometheus} or {@code openmetrics}; fails on any format error. */
    static List<Sample> parse(String text, String format) {
        Result r = run(SCRIPT, text, format);
        if (r.exit != 0) {
            throw new AssertionError("the Prometheus parser rejected the " + format + " exposition:\n" + r.stderr
                    + "\n--- exposition ---\n" + text);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode n : AdminUnderTest.JSON.readTree(r.stdout)) {
            Map<String, String> labels = new java.util.TreeMap<>();
            n.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            samples.add(new Sample(n.get("family").asString(), n.get("type").asString(), n.get("name").asString(),
                    labels, n.get("value").asDouble()));
        }
        return samples;
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(String script, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", e.toString());
        }
    }
}
