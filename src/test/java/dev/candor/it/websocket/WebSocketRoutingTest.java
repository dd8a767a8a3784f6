package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestDnsServer;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import io.netty.handler.codec.dns.DnsResponseCode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §8: the upgrade request is routed, balanced, resolved and retried like any other request, and only
 * until the 101: once a tunnel is open, nothing is retried.
 */
class WebSocketRoutingTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer a = cleanup.add(TestWebSocketServer.start());
    private final TestWebSocketServer b = cleanup.add(TestWebSocketServer.start());

    @Test
    void upgradesAreSpreadOverTheEndpointsByTheBalancerLikeAnyOtherRequest() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(a.port(), b.port()), "",
                "balancer: round_robin"));
        List<WsClient> clients = new ArrayList<>();

        for (int i = 0; i < 4; i++) {
            clients.add(cleanup.add(WsClient.to(proxy.address()).connect()));
        }

        // The server counts a handshake once its 101 is written, which may be after the client read it.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(a.handshakes()).isEqualTo(2);
            assertThat(b.handshakes()).isEqualTo(2);
        });
        for (WsClient client : clients) {
            assertThat(client.sendText("which one?").awaitText()).isEqualTo("which one?");
        }
        assertThat(a.openWebSockets() + b.openWebSockets()).isEqualTo(4);
    }

    @Test
    void anUpgradeThatMeetsARefusingEndpointIsRetriedOnTheNextOneBeforeThe101() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(Ports.refusing(), a.port()), "",
                """
                retries: { attempts: 1, on: [connect_failure], budget_percent: 100 }
                outlier_detection: off
                """));

        WsClient client = cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", "ws-retried").connect());
        assertThat(client.sendText("made it").awaitText()).isEqualTo("made it");
        client.close(1000, "bye").awaitDisconnected();

        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-retried");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.attempts()).as("the refused connect, then the upgrade").isEqualTo(2);
        assertThat(entry.endpoint()).isEqualTo("127.0.0.1:" + a.port());
        assertThat(entry.error()).isNull();
    }

    @Test
    void aTunnelCutAfterThe101IsNotRetriedEvenThoughItsRequestWasAnIdempotentGet() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(a.port(), b.port()), "",
                """
                retries: { attempts: 1, on: [connect_failure, connection_terminated_idempotent], budget_percent: 100 }
                outlier_detection: off
                """));
        WsClient client = cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", "ws-cut").connect());
        client.sendText("hello").awaitText();
        TestWebSocketServer first = a.handshakes() == 1 ? a : b;
        TestWebSocketServer other = first == a ? b : a;

        first.close(); // the upstream side of the tunnel goes away without a close frame

        client.awaitDisconnected();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-cut");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.close().by()).isEqualTo("upstream");
        assertThat(other.requests()).as("nothing was tried again on the other endpoint").isEmpty();
    }

    @Test
    void anUpstreamNamedInDnsIsResolvedForTheUpgradeAndAnUnknownNameIsA502DnsError() {
        TestDnsServer dns = cleanup.add(TestDnsServer.start());
        dns.a("chat.test", 60, "127.0.0.1").rcode("missing.test", DnsResponseCode.NXDOMAIN);
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - address: 127.0.0.1:0
                workers: 2
                dns:
                  resolvers: ["${DNS}"]
                  timeout: 300ms
                routes:
                  - { match: { path_prefix: /ws/missing }, upstream: missing }
                  - { match: { path_prefix: /ws }, upstream: chat }
                upstreams:
                  chat: { endpoints: [ { address: "chat.test:${PORT}" } ] }
                  missing: { endpoints: [ { address: "missing.test:${PORT}" } ] }
                """, Map.of("DNS", dns.address(), "PORT", a.port())));

        WsClient client = cleanup.add(WsClient.to(proxy.address()).connect());
        WsClient.Handshake missing = WsClient.to(proxy.address()).path("/ws/missing").handshake();

        assertThat(client.sendText("found by name").awaitText()).isEqualTo("found by name");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.handshakes()).isEqualTo(1));
        assertThat(missing.status()).isEqualTo(502);
        assertThat(missing.header("Proxy-Status")).contains("error=dns_error", "rcode=\"NXDOMAIN\"");
    }
}
