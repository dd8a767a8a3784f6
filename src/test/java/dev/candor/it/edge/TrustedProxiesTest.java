package dev.candor.it.edge;

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
 * SPEC §10 trusted_proxies: X-Forwarded-For is believed only from trusted addresses, read from the right
 * up to the first hop that is not trusted; the access log, access rules and rate-limit keys all use the
 * believed address, and the hop that connected is still appended upstream.
 */
class TrustedProxiesTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
            listeners:
              - address: 127.0.0.1:0
            workers: 1
            trusted_proxies: [127.0.0.1/32, 10.0.0.0/8]
            routes:
              - name: admin
                match: { path_prefix: /admin/ }
                upstream: app
                access: { allow: [192.0.2.0/24] }
              - name: limited
                match: { path_prefix: /limited/ }
                upstream: app
                rate_limit: { rate: 1/m }
              - name: rest
                upstream: app
            upstreams:
              app:
                endpoints: [{ address: "127.0.0.1:${PORT}" }]
            """, Map.of("PORT", backend.port())));

    private RawResponse getFrom(String localAddress, String path, String... headerLines) {
        try (RawHttp client = RawHttp.connect(proxy.address(), InetAddress.getByName(localAddress))) {
            return client.send(RawHttp.request("GET", path, headerLines)).read();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fromATrustedPeerTheRightmostUntrustedHopIsTheClient() {
        RawResponse response = getFrom("127.0.0.1", "/x", "X-Forwarded-For: 203.0.113.50, 198.51.100.7, 10.1.2.3");

        assertThat(response.status()).isEqualTo(200);
        assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("198.51.100.7");
        assertThat(backend.awaitRequest().header("X-Forwarded-For"))
                .as("the chain goes on with the hop that connected")
                .isEqualTo("203.0.113.50, 198.51.100.7, 10.1.2.3, 127.0.0.1");
    }

    @Test
    void fromAnUntrustedPeerXForwardedForIsNotBelieved() {
        RawResponse response = getFrom("127.0.0.2", "/x", "X-Forwarded-For: 192.0.2.1");

        assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("127.0.0.2");
        assertThat(getFrom("127.0.0.2", "/admin/", "X-Forwarded-For: 192.0.2.1").status())
                .as("a forged header opens no access rule").isEqualTo(403);
    }

    @Test
    void accessRulesAndRateLimitKeysUseTheBelievedAddress() {
        assertThat(getFrom("127.0.0.1", "/admin/", "X-Forwarded-For: 192.0.2.1").status()).isEqualTo(200);
        assertThat(getFrom("127.0.0.1", "/admin/", "X-Forwarded-For: 198.51.100.1").status()).isEqualTo(403);

        assertThat(getFrom("127.0.0.1", "/limited/", "X-Forwarded-For: 192.0.2.10").status()).isEqualTo(200);
        assertThat(getFrom("127.0.0.1", "/limited/", "X-Forwarded-For: 192.0.2.11").status())
                .as("another client behind the same proxy has its own bucket").isEqualTo(200);
        RawResponse again = getFrom("127.0.0.1", "/limited/", "X-Forwarded-For: 192.0.2.10");
        assertThat(again.status()).isEqualTo(429);
        assertThat(proxy.awaitEntry(again).errorDetail()).contains("for client_ip 192.0.2.10");
    }

    @Test
    void garbageInTheChainStopsAtTheLastHopThatWasRead() {
        RawResponse response = getFrom("127.0.0.1", "/x", "X-Forwarded-For: not-an-ip, 10.9.9.9");

        assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("10.9.9.9");
    }
}
