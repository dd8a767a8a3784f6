package dev.candor.it.routing;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.Metrics;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §12 mirrors: copies go out fire-and-forget, with bodies up to 64 KiB, and nothing about them reaches
 * the client or the access log.
 */
class RouteMirrorTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend main = cleanup.add(TestBackend.answering("main"));

    private ProxyUnderTest proxy(int shadowPort, String shadowUpstreamYaml) {
        return cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                workers: 1
                routes:
                  - name: api
                    match: { path_prefix: /api/ }
                    rewrite: { strip_prefix: /api }
                    mirror: { upstream: shadow, percent: 100 }
                    upstream: app
                upstreams:
                  app: { endpoints: [ { address: "127.0.0.1:${MAIN}" } ] }
                  shadow:
                    endpoints: [ { address: "127.0.0.1:${SHADOW}" } ]
                %s
                """.formatted(shadowUpstreamYaml.indent(4).stripTrailing()),
                Map.of("MAIN", main.port(), "SHADOW", shadowPort)));
    }

    private static Metrics metrics(ProxyUnderTest proxy) {
        return proxy.server().metrics();
    }

    @Test
    void aCopyOfTheRewrittenRequestReachesTheMirrorAndTheClientGetsOnlyTheMainAnswer() {
        TestBackend shadow = cleanup.add(TestBackend.answering("shadow"));
        ProxyUnderTest proxy = proxy(shadow.port(), "");

        RawResponse response = proxy.exchange(RawHttp.request("GET", "/api/items?id=3", "Host: site.test",
                "X-Trace: t1"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("main");
        RecordedRequest copy = shadow.awaitRequest();
        assertThat(copy.uri()).isEqualTo("/items?id=3");
        assertThat(copy.header("X-Trace")).isEqualTo("t1");
        assertThat(copy.header("X-Request-Id")).isEqualTo(response.header("X-Request-Id"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metrics(proxy).mirrored("api", "shadow", "2xx") == 1);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.upstream()).isEqualTo("app");
        assertThat(proxy.accessLog().entries()).hasSize(1);
    }

    @Test
    void aMirrorThatNeverAnswersDelaysNothingAndIsCountedAsATimeout() {
        TestBackend silent = cleanup.add(TestBackend.start((request, reply) -> reply.hang()));
        ProxyUnderTest proxy = proxy(silent.port(), "timeouts: { connect: 1s, response: 200ms }");

        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            RawResponse response = proxy.get("/api/x");
            assertThat(response.bodyText()).isEqualTo("main");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> metrics(proxy).mirrored("api", "shadow", "http_response_timeout") == 3);
        assertThat(proxy.server().failures().total()).as("a mirror's failure is not the client's").isZero();
    }

    @Test
    void aMirrorThatRefusesIsCountedAndTheClientNeverHearsOfIt() {
        ProxyUnderTest proxy = proxy(Ports.refusing(), "");

        RawResponse response = proxy.get("/api/x");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.hasHeader("Proxy-Status")).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metrics(proxy).mirrored("api", "shadow", "connection_refused") == 1);
        assertThat(proxy.awaitEntry(response).error()).isNull();
    }

    @Test
    void aSmallBodyIsMirroredWithTheRequestAndTheMainUpstreamGetsItToo() {
        TestBackend shadow = cleanup.add(TestBackend.answering("shadow"));
        ProxyUnderTest proxy = proxy(shadow.port(), "");

        RawResponse posted = proxy.exchange(RawHttp.request("POST", "/api/orders", "Content-Length: 11") + "hello world");

        assertThat(posted.bodyText()).isEqualTo("main");
        assertThat(main.awaitRequest().bodyText()).isEqualTo("hello world");
        RecordedRequest copy = shadow.awaitRequest();
        assertThat(copy.method()).isEqualTo("POST");
        assertThat(copy.uri()).isEqualTo("/orders");
        assertThat(copy.bodyText()).isEqualTo("hello world");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metrics(proxy).mirrored("api", "shadow", "2xx") == 1);
    }

    @Test
    void aChunkedOrLargeBodyIsNotMirrored() {
        TestBackend shadow = cleanup.add(TestBackend.answering("shadow"));
        ProxyUnderTest proxy = proxy(shadow.port(), "");
        String large = "x".repeat(64 * 1024 + 1);

        RawResponse chunked = proxy.exchange(RawHttp.request("POST", "/api/chunked", "Transfer-Encoding: chunked")
                + "5\r\nhello\r\n0\r\n\r\n");
        RawResponse big = proxy.exchange(RawHttp.request("POST", "/api/big", "Content-Length: " + large.length()) + large);
        RawResponse got = proxy.get("/api/after");

        assertThat(chunked.bodyText()).isEqualTo("main");
        assertThat(big.bodyText()).isEqualTo("main");
        assertThat(got.bodyText()).isEqualTo("main");
        assertThat(shadow.awaitRequest().uri()).isEqualTo("/after");
        assertThat(shadow.requests()).extracting(RecordedRequest::method).containsExactly("GET");
    }

    @Test
    void aClientThatGoesAwayMidBodyLeavesNoHalfCopyBehind() {
        TestBackend shadow = cleanup.add(TestBackend.answering("shadow"));
        ProxyUnderTest proxy = proxy(shadow.port(), "");

        try (RawHttp connection = proxy.connect()) {
            connection.send(RawHttp.request("POST", "/api/orders", "Content-Length: 100") + "only part");
            await().atMost(Duration.ofSeconds(10)).until(() -> main.requestHeads() == 1);
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> metrics(proxy).mirrored("api", "shadow", "dropped") == 1);
        assertThat(shadow.requests()).isEmpty();
    }
}
