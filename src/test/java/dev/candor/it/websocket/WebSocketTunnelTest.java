package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogEntry.TunnelClose;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Payload;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import dev.candor.testing.WsClose;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §8: a WebSocket through Candor with no configuration. The upgrade is forwarded with its headers
 * untouched, the 101 turns both connections into a byte tunnel, and when the tunnel ends one access-log
 * line says how long it lived, how many bytes it carried each way and who closed it, with what code.
 */
class WebSocketTunnelTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "", ""));

    private WsClient connect(String requestId) {
        return cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", requestId).connect());
    }

    private List<AccessLogEntry> linesOf(String requestId) {
        return proxy.accessLog().entries().stream().filter(e -> requestId.equals(e.requestId())).toList();
    }

    @Test
    void theUpgradeReachesTheUpstreamWithItsUpgradeConnectionAndSecWebSocketHeadersUntouched() {
        WsClient client = cleanup.add(WsClient.to(proxy.address())
                .path("/ws/chat?room=7")
                .subprotocol("chat")
                .header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
                .header("X-Request-Id", "ws-headers")
                .connect());

        RecordedRequest received = upstream.awaitRequest();

        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.uri()).isEqualTo("/ws/chat?room=7");
        assertThat(received.headers("Upgrade")).containsExactly("websocket");
        assertThat(received.headers("Connection")).as("Connection names upgrade")
                .anySatisfy(v -> assertThat(v.toLowerCase(Locale.ROOT)).contains("upgrade"));
        for (String name : List.of("Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol",
                "Sec-WebSocket-Extensions")) {
            assertThat(received.headers(name)).as(name).containsExactly(client.requestHeader(name));
        }
        assertThat(received.header("X-Request-Id")).isEqualTo("ws-headers");
        assertThat(received.headers("X-Forwarded-For")).as("an upgrade is a forwarded request like any other")
                .containsExactly("127.0.0.1");
        assertThat(received.headers("X-Forwarded-Proto")).containsExactly("http");
        // The client checked Sec-WebSocket-Accept against its key, and the subprotocol against its offer.
        assertThat(client.answerHeader("Sec-WebSocket-Protocol")).isEqualTo("chat");
        assertThat(client.answerHeader("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(client.answerHeader("X-Request-Id")).isEqualTo("ws-headers");
    }

    @Test
    void textMessagesAndAMebibyteBinaryMessageEchoThroughTheTunnel() {
        WsClient client = connect("ws-echo");
        byte[] big = Payload.bytes(1024 * 1024);

        assertThat(client.sendText("hello").awaitText()).isEqualTo("hello");
        byte[] echoed = client.sendBinary(big).awaitBinary();
        assertThat(client.sendText("and again, with ünïcödé").awaitText()).isEqualTo("and again, with ünïcödé");

        assertThat(echoed).hasSize(big.length);
        assertThat(Payload.sha256(echoed)).isEqualTo(Payload.sha256(big));
        assertThat(upstream.messagesReceived()).isEqualTo(3);
        assertThat(upstream.handshakes()).as("one upgrade, one tunnel").isEqualTo(1);
        assertThat(upstream.acceptedConnections()).isEqualTo(1);
        assertThat(linesOf("ws-echo")).as("no access-log line while the tunnel is open").isEmpty();
    }

    @Test
    void pingsCrossTheTunnelAndTheUpstreamsPongsComeBackWithTheirPayload() {
        WsClient client = connect("ws-ping");

        client.ping("first".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(client.awaitPong(), StandardCharsets.UTF_8)).isEqualTo("first");
        client.ping("second".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(client.awaitPong(), StandardCharsets.UTF_8)).isEqualTo("second");

        assertThat(upstream.awaitPings(2)).extracting(p -> new String(p, StandardCharsets.UTF_8))
                .containsExactly("first", "second");
        assertThat(client.sendText("still a tunnel").awaitText()).isEqualTo("still a tunnel");
    }

    @Test
    void aTunnelTheClientClosesIsLoggedOnceWithStatus101ItsBytesAndTheClientsCloseFrame() {
        WsClient client = connect("ws-client-close");
        long opened = System.nanoTime();
        client.sendText("hello").awaitText();
        client.sendBinary(Payload.bytes(10_000)).awaitBinary();
        double livedAtLeastMs = (System.nanoTime() - opened) / 1e6;

        client.close(1000, "bye");

        assertThat(client.awaitClose()).as("the upstream's answer, relayed").isEqualTo(new WsClose(1000, "bye"));
        assertThat(upstream.awaitCloseReceived()).isEqualTo(new WsClose(1000, "bye"));
        client.awaitDisconnected();
        assertThat(client.disconnectedByPeer()).as("Candor closed the client's connection when the upstream closed")
                .isTrue();
        upstream.awaitNoConnections();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-client-close");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.protocol()).isEqualTo("websocket");
        assertThat(entry.method()).isEqualTo("GET");
        assertThat(entry.uri()).isEqualTo("/ws");
        assertThat(entry.route()).isEqualTo("all");
        assertThat(entry.upstream()).isEqualTo("app");
        assertThat(entry.endpoint()).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).isEqualTo(101);
        assertThat(entry.error()).isNull();
        assertThat(entry.bytesSent()).as("bytes relayed to the client after the 101")
                .isEqualTo(client.tunnelBytesReceived());
        assertThat(entry.bytesReceived()).as("bytes the client sent through the tunnel")
                .isEqualTo(client.tunnelBytesSent());
        assertThat(entry.durationMs()).as("the tunnel's whole life").isGreaterThanOrEqualTo(livedAtLeastMs);
        assertThat(entry.close()).isEqualTo(new TunnelClose("client", 1000, "bye"));
        assertThat(linesOf("ws-client-close")).as("exactly one line for the tunnel").hasSize(1);
    }

    @Test
    void aTunnelTheUpstreamClosesIsLoggedAsClosedByTheUpstreamWithItsCodeAndReason() {
        WsClient client = connect("ws-upstream-close");
        client.sendText("hello").awaitText();

        client.sendText("close:4001:server says bye");

        assertThat(client.awaitClose()).isEqualTo(new WsClose(4001, "server says bye"));
        assertThat(upstream.awaitCloseReceived()).as("the client's answer, relayed")
                .isEqualTo(new WsClose(4001, "server says bye"));
        client.awaitDisconnected();
        assertThat(client.disconnectedByPeer()).isTrue();
        upstream.awaitNoConnections();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-upstream-close");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.protocol()).isEqualTo("websocket");
        assertThat(entry.error()).isNull();
        assertThat(entry.close()).isEqualTo(new TunnelClose("upstream", 4001, "server says bye"));
        assertThat(entry.bytesSent()).isEqualTo(client.tunnelBytesReceived());
        assertThat(entry.bytesReceived()).isEqualTo(client.tunnelBytesSent());
        assertThat(linesOf("ws-upstream-close")).hasSize(1);
    }

    @Test
    void anUpstreamThatDropsTheConnectionWithoutACloseFrameEndsTheTunnelAsClosedByTheUpstream() {
        WsClient client = connect("ws-upstream-drop");
        client.sendText("hello").awaitText();

        upstream.close(); // every connection closed at once, no close frame

        client.awaitDisconnected();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-upstream-drop");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.close().by()).isEqualTo("upstream");
        WsClose sent = client.closeReceived(); // none passed; Candor may have sent one of its own
        assertThat(entry.close().code()).as("the code of the close frame the client got, if any")
                .isEqualTo(sent == null ? null : sent.code());
        assertThat(entry.bytesSent()).isEqualTo(client.tunnelBytesReceived());
        assertThat(linesOf("ws-upstream-drop")).hasSize(1);
    }

    @Test
    void aClientThatDropsTheConnectionWithoutACloseFrameEndsTheTunnelAsClosedByTheClientWithNoCode() {
        WsClient client = connect("ws-client-drop");
        client.sendText("hello").awaitText();

        client.close(); // TCP close, no close frame

        upstream.awaitNoConnections();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-client-drop");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.close()).isEqualTo(new TunnelClose("client", null, null));
        assertThat(entry.bytesReceived()).isEqualTo(client.tunnelBytesSent());
        assertThat(linesOf("ws-client-drop")).hasSize(1);
    }
}
