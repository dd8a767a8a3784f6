package dev.candor.it;

import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §5: a Candor-made error explains itself as RFC 9457 JSON or HTML, and never names the backend. */
class ProblemDetailsTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final int refusedPort = Ports.refusing();
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
            listeners: [ { address: 127.0.0.1:0 } ]
            routes: [ { upstream: app } ]
            upstreams:
              app:
                endpoints: [ { address: "127.0.0.1:${PORT}" } ]
            """, Map.of("PORT", refusedPort)));

    @Test
    void aClientAcceptingJsonGetsProblemDetailsWithTheErrorTypeAndRequestId() {
        RawResponse response = proxy.get("/json", "Accept: application/json");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(response.bodyLength()));
        JsonNode problem = new ObjectMapper().readTree(response.bodyText());
        assertThat(problem.path("type").isString()).isTrue();
        assertThat(problem.path("type").asString()).isNotBlank();
        assertThat(problem.path("title").asString()).isEqualTo("Bad Gateway");
        assertThat(problem.path("status").asInt()).isEqualTo(502);
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(problem.path("error").asString()).isEqualTo("connection_refused");
        assertThat(problem.path("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
        assertNoBackendAddress(response);
        assertThat(proxy.awaitEntry(response).error()).isEqualTo("connection_refused");
    }

    @Test
    void aBrowserGetsAnHtmlPageWithTheSameFacts() {
        RawResponse response = proxy.get("/html", "Accept: text/html,application/xhtml+xml,*/*;q=0.8");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Content-Type")).startsWith("text/html");
        assertThat(response.bodyText())
                .contains("<html")
                .contains("502")
                .contains("connection_refused")
                .contains(response.header("X-Request-Id"));
        assertNoBackendAddress(response);
    }

    private void assertNoBackendAddress(RawResponse response) {
        assertThat(response.bodyText()).doesNotContain(String.valueOf(refusedPort)).doesNotContain("127.0.0.1");
        assertThat(response.headers()).noneMatch(h -> h.value().contains(String.valueOf(refusedPort)));
    }
}
