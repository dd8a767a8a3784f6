package dev.candor.it.edge;

import dev.candor.server.CandorServer;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestRedis;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §10 rate_limit_store: redis://: two Candor instances in front of one backend share their buckets
 * through a real redis-server; when it stops, both keep serving on local buckets and say so in
 * /api/status, and they share again once it is back.
 */
class SharedRateLimitTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestRedis redis = cleanup.add(TestRedis.start());
    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));

    private ProxyUnderTest candor() {
        return cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - address: 127.0.0.1:0
                workers: 1
                rate_limit_store: ${REDIS}
                routes:
                  - name: api
                    upstream: app
                    rate_limit: { rate: 2/m, burst: 3 }
                upstreams:
                  app:
                    endpoints: [{ address: "127.0.0.1:${PORT}" }]
                """, Map.of("PORT", backend.port(), "REDIS", redis.url())));
    }

    private static RawResponse getFrom(ProxyUnderTest proxy, String localAddress) {
        return getFrom(proxy.address(), localAddress);
    }

    private static RawResponse getFrom(InetSocketAddress proxy, String localAddress) {
        try (RawHttp client = RawHttp.connect(proxy, InetAddress.getByName(localAddress))) {
            return client.send(RawHttp.request("GET", "/")).read();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitStore(ProxyUnderTest p, boolean connected) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            CandorServer.RateLimitStoreStatus s = p.server().rateLimitStore();
            assertThat(s.connected()).as("store %s", s).isEqualTo(connected);
        });
    }

    @Test
    void twoInstancesShareOneBucketPerClient() {
        ProxyUnderTest a = candor();
        ProxyUnderTest b = candor();
        awaitStore(a, true);
        awaitStore(b, true);

        assertThat(getFrom(a, "127.0.0.1").status()).isEqualTo(200);
        assertThat(getFrom(b, "127.0.0.1").status()).isEqualTo(200);
        assertThat(getFrom(a, "127.0.0.1").status()).isEqualTo(200);
        RawResponse fourth = getFrom(b, "127.0.0.1");

        assertThat(fourth.status()).as("the fleet's bucket of 3 is empty, though b alone saw 1 request").isEqualTo(429);
        assertThat(fourth.header("Retry-After")).isNotNull();
        assertThat(b.awaitEntry(fourth).errorDetail()).contains("for client_ip 127.0.0.1");
        assertThat(getFrom(a, "127.0.0.2").status()).as("another client, another bucket").isEqualTo(200);
        assertThat(a.server().rateLimitStore().url()).isEqualTo(redis.url());
    }

    @Test
    void whenRedisIsGoneRequestsAreCountedLocallyAndTheStatusSaysSoUntilItIsBack() {
        ProxyUnderTest a = candor();
        awaitStore(a, true);
        for (int i = 0; i < 3; i++) {
            assertThat(getFrom(a, "127.0.0.3").status()).isEqualTo(200);
        }
        assertThat(getFrom(a, "127.0.0.3").status()).isEqualTo(429);

        redis.stopProcess();
        awaitStore(a, false);
        CandorServer.RateLimitStoreStatus down = a.server().rateLimitStore();
        assertThat(down.downSince()).isNotNull();
        assertThat(down.downReason()).isNotBlank();
        // Local buckets start full: the client is served, and limited locally past the burst.
        for (int i = 0; i < 3; i++) {
            assertThat(getFrom(a, "127.0.0.3").status()).as("served while Redis is down").isEqualTo(200);
        }
        assertThat(getFrom(a, "127.0.0.3").status()).isEqualTo(429);

        redis.startProcess(); // empty: no persistence
        awaitStore(a, true);
        assertThat(getFrom(a, "127.0.0.3").status()).as("a fresh shared bucket").isEqualTo(200);
        assertThat(a.server().rateLimitStore().downSince()).isNull();
    }
}
