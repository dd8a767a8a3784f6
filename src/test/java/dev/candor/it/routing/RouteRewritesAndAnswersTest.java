package dev.candor.it.routing;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §12 route actions seen from the client and the backend: rewrites of path and Host, header rules
 * both ways, redirects and fixed responses (answers, not errors).
 */
class RouteRewritesAndAnswersTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestBackend backend;
    private ProxyUnderTest proxy;

    @BeforeEach
    void start() {
        backend = cleanup.add(TestBackend.start((request, reply) -> reply.send(200, "ok",
                "Server", "backend/1.0", "X-Internal-Trace", "abc", "X-Kept", "yes")));
        proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                workers: 1
                routes:
                  - name: strip
                    match: { path_prefix: /v2/ }
                    rewrite: { strip_prefix: /v2, host: api.internal }
                    headers:
                      request:  { set: { X-Env: prod, X-Forwarded-Proto: custom }, remove: [X-Debug] }
                      response: { set: { Strict-Transport-Security: "max-age=63072000", Server: route }, remove: [X-Internal-Trace] }
                    upstream: app
                  - name: prefix
                    match: { path_prefix: /old/ }
                    rewrite: { prefix: { from: /old/, to: /new/ } }
                    upstream: app
                  - name: regex
                    match: { path_regex: '^/u/[0-9]+/p/[0-9]+$' }
                    rewrite: { regex: { pattern: '^/u/([0-9]+)/p/(?P<post>[0-9]+)$', replacement: '/posts/$${post}?user=$1' } }
                    upstream: app
                  - name: moved
                    match: { path_prefix: /moved/ }
                    redirect: { to: "https://new.example.com{path}{query}", status: 308 }
                  - name: to-host
                    match: { path: /where }
                    redirect: { to: "https://{host}/here{query}#top" }
                  - name: uri
                    match: { path: /uri }
                    redirect: { to: "http://mirror.test{uri}", status: 301 }
                  - name: robots
                    match: { path: /robots.txt }
                    respond: { status: 200, body: "User-agent: *\\nDisallow:\\n", content_type: text/plain }
                    headers: { response: { set: { Cache-Control: "max-age=60" } } }
                  - name: gone
                    match: { path_prefix: /gone }
                    respond: { status: 410 }
                  - name: rest
                    upstream: app
                upstreams:
                  app: { endpoints: [ { address: "127.0.0.1:${PORT}" } ] }
                """, Map.of("PORT", backend.port())));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/v2/items?x=1,         /items?x=1",
            "/v2/,                  /",
            "/old/a/b?q,            /new/a/b?q",
            "/u/7/p/42,             /posts/42?user=7",
            "/u/7/p/42?page=3,      /posts/42?user=7&page=3",
            "/oldish,               /oldish",
    })
    void thePathIsRewrittenOnTheWayUpstream(String target, String upstreamTarget) {
        RawResponse response = proxy.exchange(RawHttp.request("GET", target, "Host: site.test"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.awaitRequest().uri()).isEqualTo(upstreamTarget);
        assertThat(proxy.awaitEntry(response).uri()).as("the access log keeps what the client sent").isEqualTo(target);
    }

    @Test
    void aRewrittenHostGoesUpstreamWhileXForwardedHostKeepsTheClientsOne() {
        proxy.exchange(RawHttp.request("GET", "/v2/items", "Host: site.test:8080"));

        RecordedRequest seen = backend.awaitRequest();
        assertThat(seen.header("Host")).isEqualTo("api.internal");
        assertThat(seen.header("X-Forwarded-Host")).isEqualTo("site.test:8080");
        assertThat(seen.header("X-Forwarded-Prefix")).isEqualTo("/v2");
    }

    @Test
    void routeHeaderRulesSetAndRemoveBothWays() {
        RawResponse response = proxy.exchange(RawHttp.request("GET", "/v2/items", "Host: site.test",
                "X-Debug: 1", "X-Env: dev"));

        RecordedRequest seen = backend.awaitRequest();
        assertThat(seen.headers("X-Env")).containsExactly("prod");
        assertThat(seen.hasHeader("X-Debug")).isFalse();
        assertThat(seen.header("X-Forwarded-Proto")).as("a route may replace what Candor adds").isEqualTo("custom");
        assertThat(response.header("Strict-Transport-Security")).isEqualTo("max-age=63072000");
        assertThat(response.hasHeader("X-Internal-Trace")).isFalse();
        assertThat(response.header("X-Kept")).isEqualTo("yes");
        assertThat(response.hasHeader("Server")).as("what the header rules hide stays hidden").isFalse();
    }

    @Test
    void aRouteWithoutHeaderRulesLeavesTheResponseAlone() {
        RawResponse response = proxy.exchange(RawHttp.request("GET", "/plain", "Host: site.test"));

        assertThat(response.header("X-Internal-Trace")).isEqualTo("abc");
        assertThat(response.hasHeader("Strict-Transport-Security")).isFalse();
    }

    @ParameterizedTest(name = "{0} Host: {1} -> {2} {3}")
    @CsvSource({
            "/moved/a/b?x=1&y=2, site.test,      308, https://new.example.com/moved/a/b?x=1&y=2",
            "/moved/,            site.test,      308, https://new.example.com/moved/",
            "/where?q=1,         Site.Test:8443, 302, https://site.test/here?q=1#top",
            "/where,             site.test,      302, https://site.test/here#top",
            "/uri?a=b,           site.test,      301, http://mirror.test/uri?a=b",
    })
    void aRedirectAnswersWithItsStatusAndTheTemplateFilledIn(String target, String host, int status, String location) {
        RawResponse response = proxy.exchange(RawHttp.request("GET", target, "Host: " + host));

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Location")).isEqualTo(location);
        assertThat(response.hasHeader("Proxy-Status")).as("a redirect is not an error").isFalse();
        assertThat(response.header("X-Request-Id")).isNotBlank();
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(status);
        assertThat(entry.error()).isNull();
        assertThat(entry.upstream()).isNull();
        assertThat(entry.attempts()).isZero();
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void aFixedResponseIsServedWithoutAnyUpstreamAndKeepsTheConnection() {
        try (RawHttp connection = proxy.connect()) {
            RawResponse first = connection.send(RawHttp.request("GET", "/robots.txt", "Host: site.test")).read();
            RawResponse second = connection.send(RawHttp.request("GET", "/gone/now", "Host: site.test")).read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.bodyText()).isEqualTo("User-agent: *\nDisallow:\n");
            assertThat(first.header("Content-Type")).isEqualTo("text/plain");
            assertThat(first.header("Cache-Control")).isEqualTo("max-age=60");
            assertThat(first.hasHeader("Proxy-Status")).isFalse();
            assertThat(second.status()).isEqualTo(410);
            assertThat(second.bodyText()).isEmpty();
            assertThat(second.hasHeader("Proxy-Status")).isFalse();
        }
        AccessLogEntry entry = proxy.awaitEntry(e -> "gone".equals(e.route()));
        assertThat(entry.status()).isEqualTo(410);
        assertThat(entry.error()).isNull();
        assertThat(backend.requests()).isEmpty();
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void aFixedResponseToARequestWithABodyClosesTheConnectionRatherThanReadTheBody() {
        RawResponse response = proxy.exchange(RawHttp.request("POST", "/robots.txt", "Host: site.test",
                "Content-Length: 5") + "hello");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Connection")).isEqualTo("close");
    }
}
