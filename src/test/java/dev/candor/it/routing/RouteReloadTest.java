package dev.candor.it.routing;

import dev.candor.config.ConfigLoader;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A reload builds a new route index and new route filters; a HEAD to a fixed response gets its head only. */
class RouteReloadTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private static final String BEFORE = """
            listeners: [ { address: 127.0.0.1:0 } ]
            workers: 1
            routes:
              - name: site
                match: { host: site.test }
                upstream: app
            upstreams:
              app: { endpoints: [ { address: "127.0.0.1:${PORT}" } ] }
            """;

    private static final String AFTER = """
            listeners: [ { address: 127.0.0.1:0 } ]
            workers: 1
            routes:
              - name: moved
                match: { host: site.test, path_prefix: /old/ }
                redirect: { to: "https://site.test/new/{uri}", status: 301 }
              - name: site
                match: { host: site.test }
                rewrite: { prefix: { from: /a/, to: /b/ } }
                upstream: app
              - name: maintenance
                match: { host: other.test }
                respond: { status: 503, body: "back soon", content_type: text/plain }
            upstreams:
              app: { endpoints: [ { address: "127.0.0.1:${PORT}" } ] }
            """;

    @Test
    void aReloadedConfigRoutesRewritesAndAnswersByItsNewRules() throws Exception {
        TestBackend backend = cleanup.add(TestBackend.answering("app"));
        Map<String, Object> vars = Map.of("PORT", backend.port());
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start(BEFORE, vars));
        assertThat(proxy.exchange(RawHttp.request("GET", "/old/x", "Host: site.test")).status()).isEqualTo(200);
        assertThat(proxy.exchange(RawHttp.request("GET", "/", "Host: other.test")).status()).isEqualTo(404);

        proxy.server().reload(ConfigLoader.parse(AFTER, "after.yaml", null,
                name -> name.equals("PORT") ? String.valueOf(backend.port()) : null));

        RawResponse moved = proxy.exchange(RawHttp.request("GET", "/old/x?y=1", "Host: site.test"));
        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.header("Location")).isEqualTo("https://site.test/new//old/x?y=1");
        proxy.exchange(RawHttp.request("GET", "/a/page", "Host: site.test"));
        assertThat(backend.requests().get(backend.requests().size() - 1).uri()).isEqualTo("/b/page");
        RawResponse maintenance = proxy.exchange(RawHttp.request("GET", "/", "Host: other.test"));
        assertThat(maintenance.status()).isEqualTo(503);
        assertThat(maintenance.bodyText()).isEqualTo("back soon");
        assertThat(maintenance.hasHeader("Proxy-Status")).as("a configured 503 is not Candor's error").isFalse();
        assertThat(proxy.awaitEntry(maintenance).error()).isNull();
    }

    @Test
    void aHeadRequestToAFixedResponseGetsItsLengthButNoBody() {
        TestBackend backend = cleanup.add(TestBackend.answering("app"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start(AFTER, Map.of("PORT", backend.port())));

        try (RawHttp connection = proxy.connect()) {
            RawResponse head = connection.send(RawHttp.request("HEAD", "/", "Host: other.test")).readHeadResponse();
            RawResponse next = connection.send(RawHttp.request("GET", "/", "Host: other.test")).read();

            assertThat(head.status()).isEqualTo(503);
            assertThat(head.header("Content-Length")).isEqualTo("9");
            assertThat(next.bodyText()).as("nothing of the HEAD's body was left on the connection").isEqualTo("back soon");
        }
    }
}
