package dev.candor.explain;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Envoy is not packaged here, so its golden log (src/test/resources/explain/envoy-access.log) is written from
 * its documented default access-log format, both the short default and the one with response-code details and
 * the transport failure reason; each line's path names the failure its flags describe.
 */
class EnvoyLogsExplainedTest {

    private static Path golden() throws URISyntaxException {
        return Path.of(EnvoyLogsExplainedTest.class.getResource("/explain/envoy-access.log").toURI());
    }

    @Test
    void everyResponseFlagBecomesItsErrorType() throws Exception {
        ExplainRun run = ExplainRun.of("--json", golden().toString());
        assertThat(run.exitCode()).isEqualTo(2);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("/refused", "connection_refused"),
                Map.entry("/refused-detailed", "connection_refused"),
                Map.entry("/connect-timeout", "connection_timeout"),
                Map.entry("/slow", "http_response_timeout"),
                Map.entry("/orders", "connection_terminated"),
                Map.entry("/download", "http_response_incomplete"),
                Map.entry("/all-down", "destination_unavailable"),
                Map.entry("/busy", "connection_limit_reached"),
                Map.entry("/nowhere", "destination_not_found"),
                Map.entry("/garbage", "http_protocol_error"),
                Map.entry("/renamed", "dns_error"),
                Map.entry("/tls", "tls_certificate_error"));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            JsonNode f = run.failuresFor(e.getKey()).stream().filter(n -> n.get("uri").asString().equals(e.getKey()))
                    .findFirst().orElseThrow(() -> new AssertionError("no failure for " + e.getKey()));
            assertThat(f.get("error").asString()).as(e.getKey()).isEqualTo(e.getValue());
        }
        JsonNode own = run.failuresFor("/maintenance").get(0);
        assertThat(own.get("error").isNull()).isTrue();
        assertThat(run.failuresFor("/ok")).isEmpty();
        assertThat(run.failuresFor("/gave-up")).isEmpty();
        assertThat(run.json().get("client_aborts").asInt()).isEqualTo(1);
        assertThat(run.json().get("unrecognized_lines").asInt()).isEqualTo(1);
    }

    @Test
    void adviceNamesEnvoysSettingsAndTheConfirmCommandTheEndpoint() throws Exception {
        ExplainRun run = ExplainRun.of("--json", golden().toString());
        JsonNode slow = run.failuresFor("/slow").get(0);
        assertThat(slow.get("advice").asString()).contains("route's timeout");
        assertThat(slow.get("confirm").asString()).contains("10.0.0.11:8080").contains("/slow");
        JsonNode refused = run.failuresFor("/refused-detailed").get(0);
        assertThat(refused.get("detail").asString()).contains("UF,URX").contains("delayed_connect_error");
        assertThat(refused.get("advice").asString()).contains("cluster");
    }
}
