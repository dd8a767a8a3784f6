package dev.candor.it.failure;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §3, §4, §5 — "who made this 502?": an upstream's own 502/503 passes through untouched and is not
 * a Candor error; a client that leaves is logged 499 and is nobody's failure; {@code errors.expose: none}
 * says nothing at all.
 */
class NotCandorsErrorTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.start((request, reply) -> {
        switch (request.uri()) {
            case "/busy" -> reply.send(503, "backend says busy", "Retry-After", "5");
            case "/broken" -> reply.send(502, "backend's own bad gateway");
            default -> reply.hang(); // thinking, for as long as the test likes
        }
    }));

    @Test
    void anUpstream503PassesThroughWithReceivedStatusAndNoErrorAnywhere() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "", ""));

        RawResponse response = proxy.get("/busy", "Accept: application/json");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyText()).isEqualTo("backend says busy");
        assertThat(response.header("Retry-After")).isEqualTo("5");
        assertThat(response.headers("Proxy-Status")).containsExactly("candor; received-status=503");
        assertPassedThrough(proxy, response, 503);
    }

    @Test
    void anUpstream502PassesThroughUntouchedEvenWhenDetailsAreExposed() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "errors: { expose: details }", ""));

        RawResponse response = proxy.get("/broken", "Accept: application/json");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.bodyText()).isEqualTo("backend's own bad gateway");
        assertThat(response.headers("Proxy-Status")).containsExactly("candor; received-status=502");
        assertPassedThrough(proxy, response, 502);
    }

    @Test
    void withExposeNoneAnUpstream503CarriesNoProxyStatusAtAll() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "errors: { expose: none }", ""));

        RawResponse response = proxy.get("/busy", "Accept: application/json");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyText()).isEqualTo("backend says busy");
        assertThat(response.hasHeader("Proxy-Status")).isFalse();
        assertPassedThrough(proxy, response, 503);
    }

    @Test
    void withExposeNoneACandorErrorNamesNeitherTheTypeNorTheBackendButIsLoggedInFull() {
        int port = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(port, "errors: { expose: none }", ""));

        RawResponse response = proxy.get("/refused", "Accept: application/json");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.hasHeader("Proxy-Status")).isFalse();
        JsonNode problem = JsonMapper.builder().build().readTree(response.bodyText());
        assertThat(problem.path("status").asInt()).isEqualTo(502);
        assertThat(problem.path("title").asString()).isEqualTo("Bad Gateway");
        assertThat(problem.path("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
        assertThat(response.bodyText()).doesNotContain("connection_refused")
                .doesNotContain(String.valueOf(port)).doesNotContain("refused");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(entry.errorDetail()).contains("127.0.0.1:" + port);
        assertThat(proxy.server().failures().find(entry.requestId())).isNotNull();
    }

    @Test
    void aClientThatLeavesWhileTheUpstreamIsThinkingIsLogged499WithNoErrorAndNoFailureReport() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "", ""));

        try (RawHttp client = proxy.connect()) {
            client.send(RawHttp.request("GET", "/think", "X-Request-Id: leaving-client-1"));
            backend.awaitRequest();
        }

        AccessLogEntry entry = proxy.awaitEntry(e -> "leaving-client-1".equals(e.requestId()));
        assertThat(entry.status()).isEqualTo(499);
        assertThat(entry.error()).isNull();
        assertThat(entry.errorDetail()).isNull();
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.ttfbMs()).isNull();
        assertThat(proxy.server().failures().total()).as("not an upstream problem: nothing to page about").isZero();
        // The upstream connection is abandoned, not pooled with a response still due on it.
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
    }

    private static void assertPassedThrough(ProxyUnderTest proxy, RawResponse response, int status) {
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(status);
        assertThat(entry.upstreamStatus()).isEqualTo(status);
        assertThat(entry.error()).isNull();
        assertThat(entry.errorDetail()).isNull();
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.connectMs()).isNotNull();
        assertThat(entry.ttfbMs()).isNotNull();
        assertThat(proxy.server().failures().total()).as("not a Candor error: no failure report").isZero();
    }
}
