package dev.candor.doctor;

import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API as SPEC section 6 shapes it, served by a stand-in on loopback: endpoint states become
 * load-balancer checks, the live p99 meets timeouts.response, and recent errors are grouped.
 */
class AdminViewTest {

    @TempDir
    Path dir;

    private static String upstreams(int a, int b, int c) {
        return """
                {"upstreams":[{"name":"app","endpoints":[
                  {"address":"127.0.0.1:%d","resolved":["127.0.0.1:%d"],"state":"healthy","weight":1,"why":null,"error":null,
                   "consecutive_failures":0,"requests":40,"errors":{},"latency_ms":{"p50":20.0,"p99":1700.0}},
                  {"address":"127.0.0.1:%d","resolved":["127.0.0.1:%d"],"state":"ejected","weight":1,
                   "why":"5 consecutive failures (connection_refused)","error":"connection_refused",
                   "consecutive_failures":5,"requests":6,"errors":{"connection_refused":5},"latency_ms":{"p50":null,"p99":null}},
                  {"address":"127.0.0.1:%d","resolved":["127.0.0.1:%d"],"state":"healthy","weight":1,"why":null,"error":null,
                   "consecutive_failures":0,"requests":38,"errors":{},"latency_ms":{"p50":1.0,"p99":2.0}}]}]}
                """.formatted(a, a, b, b, c, c);
    }

    private static final String ERRORS = """
            {"errors":[
              {"request_id":"r-2","time":"2026-11-21T10:15:31Z","status":502,"error":"connection_refused","upstream":"app",
               "endpoint":"127.0.0.1:1","detail":"connect to 127.0.0.1:1 refused","attempts":[]},
              {"request_id":"r-1","time":"2026-11-21T10:15:30Z","status":502,"error":"connection_refused","upstream":"app",
               "endpoint":"127.0.0.1:1","detail":"connect to 127.0.0.1:1 refused","attempts":[]}]}
            """;

    @Test
    void anEjectedEndpointAmongHealthyOnesWarnsAndTheLiveP99IsComparedWithTheTimeout() {
        try (TestBackend a = TestBackend.answering("a");
             TestBackend c = TestBackend.answering("c")) {
            int ejected = dev.candor.testing.Ports.refusing();
            String body = upstreams(a.port(), ejected, c.port());
            try (TestBackend admin = TestBackend.start((r, reply) -> reply.send(200,
                    r.uri().startsWith("/api/upstreams") ? body : ERRORS, "Content-Type", "application/json"))) {
                String yaml = DoctorScenarioTest.config("""
                        - address: 127.0.0.1:%d
                        - address: 127.0.0.1:%d
                        - address: 127.0.0.1:%d""".formatted(a.port(), ejected, c.port()), "");
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--admin", "http://127.0.0.1:" + admin.port());

                JsonNode state = run.check("balancer.endpoint", "127.0.0.1:" + ejected);
                assertThat(status(state)).isEqualTo("WARN");
                assertThat(DoctorRun.error(state)).isEqualTo("connection_refused");
                assertThat(state.get("summary").asString()).isEqualTo("ejected: 5 consecutive failures (connection_refused);"
                        + " 2 of 3 endpoints take traffic");
                assertThat(status(run.check("balancer.endpoint", "127.0.0.1:" + a.port()))).isEqualTo("PASS");
                JsonNode p99 = run.check("config.timeouts", "127.0.0.1:" + a.port());
                assertThat(status(p99)).isEqualTo("WARN");
                assertThat(p99.get("evidence").get("live_p99_ms").asDouble()).isEqualTo(1700.0);
                JsonNode errors = run.check("logs.admin", "http://127.0.0.1:" + admin.port());
                assertThat(errors.get("evidence").get("recent_errors").asInt()).isEqualTo(2);
                assertThat(errors.get("evidence").get("by_type_and_endpoint").get("connection_refused @ 127.0.0.1:1").asInt())
                        .isEqualTo(2);
                assertThat(status(run.check("balancer.skew", "upstreams.app"))).isEqualTo("PASS");
                assertThat(run.exit()).isEqualTo(2); // the ejected endpoint also refuses the doctor's own connects
            }
        }
    }

    @Test
    void anAdminApiThatCannotBeReadFailsTheLogsCheckButTheInvestigationGoesOn() {
        try (TestBackend backend = TestBackend.answering("ok")) {
            int nothing = dev.candor.testing.Ports.refusing();
            DoctorRun run = DoctorRun.run(dir, DoctorScenarioTest.config("- address: 127.0.0.1:" + backend.port(), ""),
                    "--json", "--admin", "http://127.0.0.1:" + nothing);

            JsonNode admin = run.check("logs.admin", "127.0.0.1:" + nothing);
            assertThat(status(admin)).isEqualTo("FAIL");
            assertThat(admin.get("confirm").asString()).isEqualTo("curl -sv http://127.0.0.1:" + nothing + "/api/status");
            assertThat(status(run.check("backend.tcp", "127.0.0.1:" + backend.port()))).isEqualTo("PASS");
            assertThat(run.exit()).isEqualTo(2);
        }
    }
}
