package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §2 routes (first match wins) and balancers, seen from the backends. */
class RoutingAndBalancingTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestBackend backend(String name) {
        return cleanup.add(TestBackend.answering(name));
    }

    /** Six backends, each answering its own name, behind six routes. */
    private ProxyUnderTest routingProxy() {
        Map<String, Object> ports = new HashMap<>();
        for (String name : new String[] {"api", "wild", "admin", "static", "shared", "deeper"}) {
            ports.put(name.toUpperCase() + "_PORT", backend(name).port());
        }
        return cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - address: 127.0.0.1:0
                workers: 1
                routes:
                  - name: exact
                    match: { host: api.example.com }
                    upstream: api
                  - name: wildcard
                    match: { host: "*.example.com" }
                    upstream: wild
                  - name: admin-post
                    match: { path_prefix: /admin/, methods: [POST, PUT] }
                    upstream: admin
                  - name: static
                    match: { path_prefix: /static/ }
                    upstream: static
                  - name: shared
                    match: { path_prefix: /shared }
                    upstream: shared
                  - name: deeper
                    match: { path_prefix: /shared/deeper }
                    upstream: deeper
                upstreams:
                  api:    { endpoints: [ { address: "127.0.0.1:${API_PORT}" } ] }
                  wild:   { endpoints: [ { address: "127.0.0.1:${WILD_PORT}" } ] }
                  admin:  { endpoints: [ { address: "127.0.0.1:${ADMIN_PORT}" } ] }
                  static: { endpoints: [ { address: "127.0.0.1:${STATIC_PORT}" } ] }
                  shared: { endpoints: [ { address: "127.0.0.1:${SHARED_PORT}" } ] }
                  deeper: { endpoints: [ { address: "127.0.0.1:${DEEPER_PORT}" } ] }
                """, ports));
    }

    @ParameterizedTest(name = "{0} {1} Host: {2} -> route {3}")
    @CsvSource({
            "GET,  /,                   api.example.com,      exact",
            "GET,  /,                   API.Example.COM:8080, exact",
            "GET,  /x,                  a.example.com,        wildcard",
            "GET,  /x,                  a.b.example.com,      wildcard",
            "POST, /admin/users,        other.test,           admin-post",
            "PUT,  /admin/users,        other.test,           admin-post",
            "GET,  /static/app.js,      other.test,           static",
            "GET,  /shared/deeper/file, other.test,           shared",
            "POST, /admin/static/x,     other.test,           admin-post",
            "GET,  /static/x,           api.example.com,      exact",
    })
    void theFirstMatchingRouteWins(String method, String path, String host, String route) {
        ProxyUnderTest proxy = routingProxy();

        RawResponse response = proxy.exchange(RawHttp.request(method, path, "Host: " + host, "Content-Length: 0"));

        assertThat(response.status()).isEqualTo(200);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.route()).isEqualTo(route);
        assertThat(response.bodyText()).isEqualTo(entry.upstream());
    }

    @ParameterizedTest(name = "{0} {1} Host: {2}")
    @CsvSource({
            "GET,  /,            example.com",
            "GET,  /,            badexample.com",
            "GET,  /admin/users, other.test",
            "GET,  /elsewhere,   other.test",
            "GET,  /static,      other.test",
    })
    void aRequestNoRouteMatchesGets404DestinationNotFound(String method, String path, String host) {
        ProxyUnderTest proxy = routingProxy();

        RawResponse response = proxy.exchange(RawHttp.request(method, path, "Host: " + host));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=destination_not_found");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(404);
        assertThat(entry.error()).isEqualTo("destination_not_found");
        assertThat(entry.route()).isNull();
        assertThat(entry.upstream()).isNull();
        assertThat(entry.attempts()).isZero();
    }

    @Test
    void roundRobinSpreadsThirtyRequestsTenToEachOfThreeBackends() {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                routes: [ { upstream: app } ]
                upstreams:
                  app:
                    balancer: round_robin
                    endpoints:
                      - address: 127.0.0.1:${A}
                      - address: 127.0.0.1:${B}
                      - address: 127.0.0.1:${C}
                """, Map.of("A", a.port(), "B", b.port(), "C", c.port())));

        sendSequentially(proxy, 30);

        assertThat(a.requests()).hasSize(10);
        assertThat(b.requests()).hasSize(10);
        assertThat(c.requests()).hasSize(10);
    }

    @Test
    void weightedRoundRobinWithWeightsThreeAndOneSendsExactlyThreeQuarters() {
        TestBackend heavy = backend("heavy");
        TestBackend light = backend("light");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                routes: [ { upstream: app } ]
                upstreams:
                  app:
                    balancer: weighted_round_robin
                    endpoints:
                      - { address: "127.0.0.1:${HEAVY}", weight: 3 }
                      - { address: "127.0.0.1:${LIGHT}", weight: 1 }
                """, Map.of("HEAVY", heavy.port(), "LIGHT", light.port())));

        sendSequentially(proxy, 40);

        assertThat(heavy.requests()).hasSize(30);
        assertThat(light.requests()).hasSize(10);
    }

    private static void sendSequentially(ProxyUnderTest proxy, int n) {
        try (RawHttp client = proxy.connect()) {
            for (int i = 0; i < n; i++) {
                assertThat(client.send(RawHttp.request("GET", "/" + i)).read().status()).isEqualTo(200);
            }
        }
    }
}
