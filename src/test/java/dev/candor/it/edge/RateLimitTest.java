package dev.candor.it.edge;

import dev.candor.failure.FailureReport;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §10 routes[].rate_limit: token buckets per client address or per header value, 429 with
 * Retry-After, the bucket named in the evidence, and per-route metrics. Rates are per minute so that no
 * token comes back while a test runs: the outcome of each request is decided, not timed.
 */
class RateLimitTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
            listeners:
              - address: 127.0.0.1:0
            workers: 2
            routes:
              - name: by-ip
                match: { path_prefix: /ip/ }
                upstream: app
                rate_limit: { rate: 2/m, burst: 3 }
              - name: by-key
                match: { path_prefix: /key/ }
                upstream: app
                rate_limit: { rate: 1/m, key: header(X-Api-Key) }
              - name: free
                upstream: app
            upstreams:
              app:
                endpoints: [{ address: "127.0.0.1:${PORT}" }]
            """, Map.of("PORT", backend.port())));

    private RawResponse getFrom(String localAddress, String path, String... headerLines) {
        try (RawHttp client = RawHttp.connect(proxy.address(), InetAddress.getByName(localAddress))) {
            return client.send(RawHttp.request("GET", path, headerLines)).read();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientGetsBurstRequestsThen429WithRetryAfterAndTheBucketInTheEvidence() {
        for (int i = 0; i < 3; i++) {
            assertThat(getFrom("127.0.0.1", "/ip/" + i).status()).as("request %d of the burst", i + 1).isEqualTo(200);
        }
        RawResponse refused = getFrom("127.0.0.1", "/ip/4");

        assertThat(refused.status()).isEqualTo(429);
        // 2/m: one token every 30 s, and the bucket was emptied just now.
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(25L, 30L);
        assertThat(refused.header("Proxy-Status")).isEqualTo("candor; error=http_request_denied");
        AccessLogEntry entry = proxy.awaitEntry(refused);
        assertThat(entry.status()).isEqualTo(429);
        assertThat(entry.error()).isEqualTo("http_request_denied");
        assertThat(entry.errorDetail()).startsWith("rate limit of route by-ip exceeded for client_ip 127.0.0.1: 2/m,"
                + " burst 3 (routes[0].rate_limit); next token in ");
        FailureReport report = proxy.server().failures().find(refused.header("X-Request-Id"));
        assertThat(report.limit()).isEqualTo("routes[0].rate_limit: 2/m, burst 3, key client_ip");
        assertThat(backend.requestHeads()).isEqualTo(3);
    }

    @Test
    void eachClientAddressHasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            getFrom("127.0.0.1", "/ip/a");
        }
        assertThat(getFrom("127.0.0.1", "/ip/a").status()).isEqualTo(429);
        assertThat(getFrom("127.0.0.2", "/ip/a").status()).isEqualTo(200);
        assertThat(getFrom("127.0.0.1", "/other").status()).as("a route without a limit").isEqualTo(200);
    }

    @Test
    void aHeaderKeyGivesEachValueItsOwnBucketAndWithoutTheHeaderTheAddressCounts() {
        assertThat(getFrom("127.0.0.1", "/key/", "X-Api-Key: alice").status()).isEqualTo(200);
        RawResponse alice = getFrom("127.0.0.2", "/key/", "X-Api-Key: alice");
        assertThat(alice.status()).as("same key from another address").isEqualTo(429);
        assertThat(proxy.awaitEntry(alice).errorDetail()).contains("for header x-api-key='alice'");
        assertThat(getFrom("127.0.0.1", "/key/", "X-Api-Key: bob").status()).isEqualTo(200);

        assertThat(getFrom("127.0.0.3", "/key/").status()).isEqualTo(200);
        RawResponse bare = getFrom("127.0.0.3", "/key/");
        assertThat(bare.status()).as("leaving the header out is no way around the limit").isEqualTo(429);
        assertThat(proxy.awaitEntry(bare).errorDetail()).contains("for client_ip 127.0.0.3");
    }

    @Test
    void perRouteMetricsCountAllowedAndLimitedRequests() {
        for (int i = 0; i < 5; i++) {
            getFrom("127.0.0.1", "/ip/m");
        }
        proxy.awaitEntries(5);
        assertThat(counter("by-ip", "allowed")).isEqualTo(3);
        assertThat(counter("by-ip", "limited")).isEqualTo(2);
        assertThat(counter("by-key", "limited")).isZero();
    }

    private double counter(String route, String result) {
        return proxy.counter("candor_rate_limit_requests", "route", route, "result", result);
    }
}
