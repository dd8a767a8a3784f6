package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import dev.candor.testing.WsClose;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code timeouts.tunnel_idle}: a tunnel with no bytes either way for that long is closed by Candor, and
 * logged as closed by Candor; traffic in either direction keeps it alive, and the timeouts of ordinary
 * requests do not apply to it.
 */
class WebSocketIdleTimeoutTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());

    private WsClient connect(ProxyUnderTest proxy, String requestId) {
        return cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", requestId).connect());
    }

    @Test
    void aSilentTunnelIsClosedByCandorAfterTunnelIdleAndLoggedAsClosedByCandor() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "",
                "timeouts: { tunnel_idle: 300ms }"));
        WsClient client = connect(proxy, "ws-idle");
        client.sendText("hello").awaitText();
        long lastByte = System.nanoTime();

        client.awaitDisconnected(Duration.ofSeconds(10));

        double silentMs = (System.nanoTime() - lastByte) / 1e6;
        // The client saw the echo a little after Candor relayed it, so its count of the silence starts late;
        // 250 ms tells "after tunnel_idle" from "at once", and 3 s from "never".
        assertThat(silentMs).as("closed after about 300 ms of silence").isBetween(250.0, 3_000.0);
        assertThat(client.disconnectedByPeer()).as("Candor closed the connection").isTrue();
        WsClose toClient = client.closeReceived();
        if (toClient != null) {
            assertThat(toClient.code()).as("a close frame from Candor says going away").isEqualTo(1001);
        }
        upstream.awaitNoConnections();
        if (!upstream.closesReceived().isEmpty()) {
            assertThat(upstream.closesReceived().get(0).code()).isEqualTo(1001);
        }
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-idle");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.protocol()).isEqualTo("websocket");
        assertThat(entry.close().by()).isEqualTo("candor");
        assertThat(entry.close().code()).as("the code of the close frame Candor sent, if it sent one")
                .isEqualTo(toClient == null ? null : toClient.code());
        assertThat(entry.durationMs()).isGreaterThanOrEqualTo(300);
        assertThat(entry.error()).isNull();
    }

    @Test
    void aTunnelCarryingAMessageEveryHundredMillisecondsOutlivesTunnelIdleManyTimesOver() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "",
                "timeouts: { tunnel_idle: 500ms }"));
        WsClient client = connect(proxy, "ws-busy");
        AtomicInteger echoes = new AtomicInteger();
        long start = System.nanoTime();

        // Awaitility's poll interval paces the traffic: one echo every 100 ms, for well over tunnel_idle.
        await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(client.sendText("tick").awaitText()).isEqualTo("tick");
            return echoes.incrementAndGet() >= 15;
        });

        assertThat((System.nanoTime() - start) / 1e6).isGreaterThan(1_000);
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.accessLog().entries()).noneMatch(e -> "ws-busy".equals(e.requestId()));
        // Then silence: Candor closes it.
        client.awaitDisconnected();
        assertThat(proxy.accessLog().awaitEntry("ws-busy").close().by()).isEqualTo("candor");
    }

    @Test
    void theTimeoutsOfOrdinaryRequestsDoNotCloseAnOpenTunnel() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(),
                "limits: { client_idle_timeout: 200ms }",
                "timeouts: { response: 200ms, idle: 200ms }"));
        WsClient client = connect(proxy, "ws-quiet");
        client.sendText("hello").awaitText();

        // tunnel_idle is its default (1 h): a second of silence is nothing.
        await("the tunnel stays open through a second of silence").during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3)).until(client::isOpen);

        assertThat(client.sendText("still there").awaitText()).isEqualTo("still there");
        assertThat(upstream.openWebSockets()).isEqualTo(1);
    }
}
