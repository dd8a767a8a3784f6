package dev.candor.doctor;

import dev.candor.admin.AdminServer;
import dev.candor.admin.Reloader;
import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigLoader;
import dev.candor.server.CandorServer;
import dev.candor.testing.RecordingAccessLog;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.candor.doctor.DoctorRun.error;
import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The doctor next to a running proxy: three endpoints, one of which fails its health check and has
 * been taken out of rotation; the doctor reads that from the admin API and finds the same by itself.
 */
class DoctorWithAdminTest {

    @TempDir
    Path dir;

    @Test
    void oneOfThreeEndpointsUnhealthyIsShownWithWhyAndTheOthersCarryTheTraffic() throws Exception {
        try (TestBackend a = TestBackend.answering("a");
             TestBackend b = TestBackend.answering("b");
             TestBackend sick = TestBackend.start((r, reply) -> reply.send(r.uri().equals("/healthz") ? 503 : 200, "sick"))) {
            String yaml = runningConfig("health_check: { path: /healthz, interval: 300ms, timeout: 250ms, unhealthy_threshold: 2 }",
                    a.port(), b.port(), sick.port());
            Path file = Files.writeString(dir.resolve("running.yaml"), yaml);
            CandorConfig config = ConfigLoader.load(file);
            try (CandorServer server = CandorServer.start(config, new RecordingAccessLog());
                 AdminServer admin = AdminServer.start(config.admin(), server, new Reloader(server, file, Map.<String, String>of()::get), "test")) {
                Endpoint sickEndpoint = server.upstreams().get("app").endpoints().stream()
                        .filter(e -> e.label().equals("127.0.0.1:" + sick.port())).findFirst().orElseThrow();
                await().atMost(Duration.ofSeconds(10)).until(() -> sickEndpoint.health().state() == EndpointState.UNHEALTHY);
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 30; i++) {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.addresses().get(0).getPort() + "/"))
                            .build(), HttpResponse.BodyHandlers.discarding());
                }
                String adminUrl = "http://127.0.0.1:" + admin.address().getPort();

                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--admin", adminUrl);

                JsonNode state = run.check("balancer.endpoint", "127.0.0.1:" + sick.port());
                assertThat(status(state)).isEqualTo("WARN");
                assertThat(state.get("evidence").get("state").asString()).isEqualTo("unhealthy");
                assertThat(state.get("evidence").get("usable_endpoints").asString()).isEqualTo("2/3");
                assertThat(state.get("summary").asString()).startsWith("unhealthy: status 503, expected 200-399 since ").endsWith("2 of 3 endpoints take traffic");
                assertThat(status(run.check("balancer.endpoint", "127.0.0.1:" + a.port()))).isEqualTo("PASS");
                assertThat(status(run.check("balancer.endpoint", "127.0.0.1:" + b.port()))).isEqualTo("PASS");
                JsonNode skew = run.check("balancer.skew", "upstreams.app");
                assertThat(status(skew)).isEqualTo("PASS");
                assertThat(skew.get("evidence").get("requests").asLong()).isGreaterThanOrEqualTo(30);
                // The doctor's own health-check request finds what the proxy's checks found.
                JsonNode health = run.check("backend.health", "127.0.0.1:" + sick.port());
                assertThat(status(health)).isEqualTo("FAIL");
                assertThat(health.get("evidence").get("result").asString()).startsWith("status 503");
                assertThat(status(run.check("logs.admin", adminUrl))).isEqualTo("PASS");
                assertThat(run.plan()).anyMatch(s -> s.startsWith("make 127.0.0.1:" + sick.port() + " pass its health check"))
                        .anyMatch(s -> s.startsWith("bring 127.0.0.1:" + sick.port() + " of upstreams.app back: it is unhealthy"));
                assertThat(error(state)).isNull();
                assertThat(run.exit()).isEqualTo(2);
            }
        }
    }

    @Test
    void anEndpointEjectedByOutlierDetectionIsShownWithItsErrorTypeAndTheDoctorConfirmsTheRefusal() throws Exception {
        try (TestBackend a = TestBackend.answering("a");
             TestBackend b = TestBackend.answering("b")) {
            int gone = dev.candor.testing.Ports.refusing();
            String yaml = runningConfig("outlier_detection: { consecutive_failures: 2, base_ejection: 1m, max_ejected_percent: 50 }",
                    a.port(), b.port(), gone);
            Path file = Files.writeString(dir.resolve("running.yaml"), yaml);
            CandorConfig config = ConfigLoader.load(file);
            try (CandorServer server = CandorServer.start(config, new RecordingAccessLog());
                 AdminServer admin = AdminServer.start(config.admin(), server, new Reloader(server, file, Map.<String, String>of()::get), "test")) {
                Endpoint goneEndpoint = server.upstreams().get("app").endpoints().stream()
                        .filter(e -> e.label().equals("127.0.0.1:" + gone)).findFirst().orElseThrow();
                HttpClient http = HttpClient.newHttpClient();
                URI proxied = URI.create("http://127.0.0.1:" + server.addresses().get(0).getPort() + "/");
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    // every request succeeds (a refused connect is retried on another endpoint) until the ejection
                    http.send(HttpRequest.newBuilder(proxied).build(), HttpResponse.BodyHandlers.discarding());
                    return goneEndpoint.health().state() == EndpointState.EJECTED;
                });
                String adminUrl = "http://127.0.0.1:" + admin.address().getPort();

                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--admin", adminUrl);

                JsonNode state = run.check("balancer.endpoint", "127.0.0.1:" + gone);
                assertThat(status(state)).isEqualTo("WARN");
                assertThat(state.get("evidence").get("state").asString()).isEqualTo("ejected");
                assertThat(state.get("summary").asString()).startsWith("ejected until ").endsWith("2 of 3 endpoints take traffic");
                JsonNode recent = run.check("logs.admin", adminUrl);
                assertThat(status(recent)).isEqualTo("PASS"); // retried on another endpoint: no request failed
                JsonNode tcp = run.check("backend.tcp", "127.0.0.1:" + gone);
                assertThat(error(tcp)).isEqualTo("connection_refused");
                assertThat(run.plan()).anyMatch(s -> s.startsWith("bring 127.0.0.1:" + gone + " of upstreams.app back: it is ejected"));
                assertThat(run.exit()).isEqualTo(2);
            }
        }
    }

    /** A running proxy with an admin listener in front of three endpoints, with {@code detection} added to the upstream. */
    private static String runningConfig(String detection, int first, int second, int third) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:%d
                      - address: 127.0.0.1:%d
                      - address: 127.0.0.1:%d
                    timeouts: { connect: 300ms, response: 2s }
                    pool: { idle_timeout: 300ms }
                    %s
                """.formatted(first, second, third, detection);
    }
}
