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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC §10 limits.max_connections_per_ip and limits.max_header_count. */
class EdgeLimitsTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, """
            limits:
              max_connections_per_ip: 2
              max_header_count: 5
            """, ""));

    private RawHttp connectFrom(String localAddress) {
        try {
            return cleanup.add(RawHttp.connect(proxy.address(), InetAddress.getByName(localAddress)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aConnectionBeyondTheLimitOfItsAddressIsClosedAtOnceWhileOtherAddressesAreServed() {
        List<RawHttp> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawHttp c = connectFrom("127.0.0.5");
            assertThat(c.send(RawHttp.request("GET", "/" + i)).read().status()).isEqualTo(200);
            open.add(c);
        }
        RawHttp third = connectFrom("127.0.0.5");
        await().until(third::closedByPeer);
        assertThat(proxy.counter("candor_client_connections_refused", "reason", "max_connections_per_ip")).isEqualTo(1);

        RawHttp other = connectFrom("127.0.0.6");
        assertThat(other.send(RawHttp.request("GET", "/other")).read().status()).isEqualTo(200);

        // The limit counts open connections: one closes, and the address may open another.
        open.get(0).close();
        await().untilAsserted(() -> {
            RawHttp again = connectFrom("127.0.0.5");
            assertThat(again.send(RawHttp.request("GET", "/again")).read().status()).isEqualTo(200);
        });
        assertThat(backend.requestHeads()).isEqualTo(4);
    }

    @Test
    void moreHeaderFieldsThanMaxHeaderCountGet431() {
        // Host plus four more is five fields: allowed; one more is one too many.
        String[] five = {"A: 1", "B: 2", "C: 3", "D: 4"};
        assertThat(proxy.get("/ok", five).status()).isEqualTo(200);

        RawResponse response = proxy.get("/too-many", "A: 1", "B: 2", "C: 3", "D: 4", "E: 5");

        assertThat(response.status()).isEqualTo(431);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_request_error");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.error()).isEqualTo("http_request_error");
        assertThat(entry.errorDetail()).isEqualTo("the request has 6 header fields, more than limits.max_header_count (5)");
        assertThat(backend.requestHeads()).isEqualTo(1);
    }
}
