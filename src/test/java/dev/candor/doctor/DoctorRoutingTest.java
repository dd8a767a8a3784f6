package dev.candor.doctor;

import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;

import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code candor doctor --url} says where a request goes when routes rewrite, split or answer themselves (SPEC §12). */
class DoctorRoutingTest {

    @TempDir
    Path dir;

    @Test
    void theBypassSendsEachEndpointOfASplitTheRequestAsTheRouteRewritesIt() throws Exception {
        try (TestBackend blue = TestBackend.answering("blue");
             TestBackend green = TestBackend.answering("green")) {
            String yaml = """
                    listeners:
                      - address: 127.0.0.1:0
                    routes:
                      - name: api
                        match: { path_prefix: /api/ }
                        rewrite: { strip_prefix: /api, host: api.internal }
                        split:
                          - { upstream: blue, weight: 9 }
                          - { upstream: green, weight: 1 }
                    upstreams:
                      blue: { endpoints: [ { address: "127.0.0.1:%d" } ] }
                      green: { endpoints: [ { address: "127.0.0.1:%d" } ] }
                    """.formatted(blue.port(), green.port());
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "http://127.0.0.1:" + proxy.address().getPort() + "/api/items?x=1";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                JsonNode route = run.check("config.route", url);
                assertThat(status(route)).isEqualTo("PASS");
                assertThat(route.get("evidence").get("split").asString()).isEqualTo("blue (weight 9), green (weight 1)");
                assertThat(route.get("evidence").get("upstream_target").asString()).isEqualTo("/items?x=1");
                assertThat(route.get("evidence").get("upstream_host").asString()).isEqualTo("api.internal");
                assertThat(status(run.check("bypass.direct", "blue 127.0.0.1:" + blue.port()))).isEqualTo("PASS");
                assertThat(status(run.check("bypass.direct", "green 127.0.0.1:" + green.port()))).isEqualTo("PASS");
                RecordedRequest direct = green.requests().stream()
                        .filter(r -> "candor-doctor".equals(r.header("User-Agent")) && r.header("Via") == null)
                        .findFirst().orElseThrow();
                assertThat(direct.uri()).isEqualTo("/items?x=1");
                assertThat(direct.header("Host")).isEqualTo("api.internal");
            }
        }
    }

    @Test
    void aRouteThatRedirectsIsSaidToInvolveNoUpstream() {
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                routes:
                  - name: moved
                    redirect: { to: "https://new.example.com{uri}", status: 308 }
                upstreams:
                  unused: { endpoints: [ { address: "127.0.0.1:9" } ] }
                """;
        DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", "http://127.0.0.1:1/old");

        JsonNode route = run.check("config.route", "/old");
        assertThat(status(route)).isEqualTo("PASS");
        assertThat(route.get("summary").asString())
                .isEqualTo("route moved redirects it (308 to https://new.example.com{uri}): no upstream is involved");
    }
}
