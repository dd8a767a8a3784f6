package dev.candor.it.tls;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import dev.candor.testing.TlsClients;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A plain listener that redirects to https, and a TLS listener that adds HSTS to every response. */
class TlsListenerOptionsTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestPki ca;
    private TestBackend backend;
    private ProxyUnderTest proxy;

    @BeforeEach
    void start() {
        ca = TestPki.newCa(dir, "Options CA");
        TestPki.Issued site = ca.issue("site.test").write("site");
        backend = cleanup.add(TestBackend.start((request, reply) -> {
            if (request.uri().endsWith("/own-hsts")) {
                reply.raw("HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=60\r\nContent-Length: 2\r\n\r\nok");
            } else {
                reply.send(200, "ok");
            }
        }));
        proxy = cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - name: https
                    address: 127.0.0.1:0
                    tls:
                      certificates:
                        - cert: ${CERT}
                          key: ${KEY}
                      hsts:
                        max_age: 1d
                        include_subdomains: true
                  - name: http
                    address: 127.0.0.1:0
                    redirect_to_https: 8443
                workers: 1
                limits:
                  header_read_timeout: 1s
                  client_idle_timeout: 10s
                routes:
                  - match: { path_prefix: /known }
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:${BACKEND_PORT}
                """, Map.of("CERT", site.certFile(), "KEY", site.keyFile(), "BACKEND_PORT", backend.port())));
    }

    private InetSocketAddress plainListener() {
        return proxy.server().addresses().get(1);
    }

    private RawResponse overTls(String path) {
        RawHttp http = cleanup.add(RawHttp.over(cleanup.add(
                TlsClients.connect(proxy.address(), TlsClients.trusting(ca.certificate()), "site.test"))));
        return http.send(RawHttp.request("GET", path, "Host: site.test")).read();
    }

    @Test
    void everyRequestOnThePlainListenerIsRedirectedToTheSameTargetOverHttps() {
        RawResponse response = RawHttp.get(plainListener(), "/known/page?q=1", "Host: www.site.test:8080");

        assertThat(response.status()).isEqualTo(308);
        assertThat(response.header("Location")).isEqualTo("https://www.site.test:8443/known/page?q=1");
        assertThat(backend.requests()).as("nothing is forwarded").isEmpty();
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(308);
        assertThat(entry.upstream()).isNull();
        assertThat(entry.attempts()).isZero();
    }

    @Test
    void aPostIsRedirectedTooAndTheConnectionStaysUsable() {
        try (RawHttp client = RawHttp.connect(plainListener())) {
            RawResponse post = client.send(RawHttp.request("POST", "/form", "Host: site.test", "Content-Length: 5") + "hello").read();
            RawResponse next = client.send(RawHttp.request("GET", "/next", "Host: site.test")).read();

            assertThat(post.status()).isEqualTo(308);
            assertThat(post.header("Location")).isEqualTo("https://site.test:8443/form");
            assertThat(next.status()).isEqualTo(308);
        }
    }

    @Test
    void anIdleConnectionAfterARedirectIsKeptForTheIdleTimeoutNotCutAsASlowHeader() {
        try (RawHttp client = RawHttp.connect(plainListener())) {
            assertThat(client.send(RawHttp.request("GET", "/a", "Host: site.test")).read().status()).isEqualTo(308);
            // Longer than limits.header_read_timeout (1s), shorter than client_idle_timeout (10s).
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.server().clientConnections() == 1);
            assertThat(client.send(RawHttp.request("GET", "/b", "Host: site.test")).read().status()).isEqualTo(308);
        }
    }

    @Test
    void aSlowHeaderOnTheRedirectingListenerGets408() {
        try (RawHttp client = RawHttp.connect(plainListener())) {
            client.send("GET /slow HTTP/1.1\r\nHost: site.test\r\n");
            assertThat(client.read().status()).isEqualTo(408);
        }
    }

    @Test
    void withoutAHostThereIsNowhereToRedirect() {
        RawResponse response = RawHttp.exchange(plainListener(), "GET / HTTP/1.1\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void forwardedAndLocalResponsesOverTlsCarryHsts() {
        assertThat(overTls("/known").header("Strict-Transport-Security")).isEqualTo("max-age=86400; includeSubDomains");
        RawResponse local = overTls("/unknown");
        assertThat(local.status()).isEqualTo(404);
        assertThat(local.header("Strict-Transport-Security")).isEqualTo("max-age=86400; includeSubDomains");
    }

    @Test
    void anUpstreamsOwnHstsIsLeftAsItIs() {
        assertThat(overTls("/known/own-hsts").headers("Strict-Transport-Security")).containsExactly("max-age=60");
    }
}
