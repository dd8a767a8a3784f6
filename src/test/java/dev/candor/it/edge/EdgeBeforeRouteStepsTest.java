package dev.candor.it.edge;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's access rules and rate limit (SPEC §10) come before what the route does itself (SPEC §12): a
 * client they refuse is refused, never redirected, answered or rewritten and forwarded; one they let
 * through gets the route's redirect, fixed response or rewrite as usual. Clients come from different
 * loopback addresses (every 127/8 address is this machine on Linux).
 */
class EdgeBeforeRouteStepsTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
            listeners:
              - address: 127.0.0.1:0
            workers: 1
            errors: { expose: details }
            routes:
              - name: moved
                match: { path_prefix: /old/ }
                access: { deny: [127.0.0.2] }
                redirect: { to: "https://new.test{path}", status: 308 }
              - name: robots
                match: { path: /robots.txt }
                rate_limit: { rate: 1/m, burst: 1 }
                respond: { status: 200, body: "User-agent: *\\n" }
              - name: v2
                match: { path_prefix: /v2/ }
                access: { allow: [127.0.0.1] }
                rewrite: { strip_prefix: /v2 }
                upstream: app
            upstreams:
              app:
                endpoints: [{ address: "127.0.0.1:${PORT}" }]
            """, Map.of("PORT", backend.port())));

    private RawResponse getFrom(String localAddress, String path) {
        try (RawHttp client = RawHttp.connect(proxy.address(), InetAddress.getByName(localAddress))) {
            return client.send(RawHttp.request("GET", path, "Accept: application/json")).read();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDeniedClientIsRefusedInsteadOfRedirected() {
        RawResponse denied = getFrom("127.0.0.2", "/old/a");

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("Location")).isNull();
        assertThat(denied.header("Proxy-Status")).startsWith("candor; error=http_request_denied")
                .contains("routes[0].access.deny 127.0.0.2");
        AccessLogEntry entry = proxy.awaitEntry(denied);
        assertThat(entry.route()).isEqualTo("moved");
        assertThat(entry.error()).isEqualTo("http_request_denied");

        RawResponse redirected = getFrom("127.0.0.1", "/old/a");

        assertThat(redirected.status()).isEqualTo(308);
        assertThat(redirected.header("Location")).isEqualTo("https://new.test/old/a");
        assertThat(redirected.header("Proxy-Status")).isNull();
    }

    @Test
    void aClientOverTheRateLimitGetsA429InsteadOfTheFixedResponse() {
        RawResponse first = getFrom("127.0.0.1", "/robots.txt");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.bodyText()).isEqualTo("User-agent: *\n");

        RawResponse second = getFrom("127.0.0.1", "/robots.txt");

        assertThat(second.status()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isNotNull();
        assertThat(second.header("Proxy-Status")).startsWith("candor; error=http_request_denied");
        assertThat(second.bodyText()).doesNotContain("User-agent");
    }

    @Test
    void onlyAnAllowedClientIsRewrittenAndForwarded() {
        RawResponse refused = getFrom("127.0.0.3", "/v2/items");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(backend.requestHeads()).isZero();

        RawResponse forwarded = getFrom("127.0.0.1", "/v2/items");

        assertThat(forwarded.status()).isEqualTo(200);
        assertThat(backend.awaitRequest().uri()).isEqualTo("/items");
    }
}
