package dev.candor.testing;

import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javax.net.ssl.SSLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket test kit on its own, {@link WsClient} straight to {@link TestWebSocketServer} with no proxy in
 * between, so that the end-to-end suite can trust both ends.
 */
class WsKitTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer server = cleanup.add(TestWebSocketServer.start());

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    private WsClient connect() {
        return cleanup.add(WsClient.to(address()).connect());
    }

    @Test
    void textAndBinaryMessagesComeBackAsTheyWereSentEvenAMebibyteLong() {
        WsClient client = connect();
        byte[] big = Payload.bytes(1024 * 1024);

        assertThat(client.sendText("hello").awaitText()).isEqualTo("hello");
        assertThat(client.sendBinary(big).awaitBinary()).isEqualTo(big);
        assertThat(client.sendText("héllo wörld").awaitText()).isEqualTo("héllo wörld");
        assertThat(server.messagesReceived()).isEqualTo(3);
        assertThat(server.handshakes()).isEqualTo(1);
        assertThat(server.openWebSockets()).isEqualTo(1);
    }

    @Test
    void theWireCountsAfterTheUpgradeAreExactlyTheFramesBytes() {
        WsClient client = connect();
        assertThat(client.tunnelBytesSent()).isZero();
        assertThat(client.tunnelBytesReceived()).isZero();

        client.sendText("hello").awaitText();

        // RFC 6455 §5.2: a client frame is masked (2 + 4 bytes of header here), a server frame is not (2).
        assertThat(client.tunnelBytesSent()).isEqualTo(2 + 4 + 5);
        assertThat(client.tunnelBytesReceived()).isEqualTo(2 + 5);
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayloadAndTheServerRecordsIt() {
        WsClient client = connect();

        client.ping("are you there".getBytes(StandardCharsets.UTF_8));

        assertThat(client.awaitPong()).asString(StandardCharsets.UTF_8).isEqualTo("are you there");
        assertThat(server.awaitPings(1)).singleElement()
                .satisfies(p -> assertThat(new String(p, StandardCharsets.UTF_8)).isEqualTo("are you there"));
    }

    @Test
    void aClientCloseIsAnsweredWithTheSameCodeAndTheServerClosesTheConnectionFirst() {
        WsClient client = connect();

        client.close(1000, "bye");

        assertThat(client.awaitClose()).isEqualTo(new WsClose(1000, "bye"));
        assertThat(server.awaitCloseReceived()).isEqualTo(new WsClose(1000, "bye"));
        client.awaitDisconnected();
        assertThat(client.disconnectedByPeer()).isTrue();
        server.awaitNoConnections();
    }

    @Test
    void aCloseMessageMakesTheServerCloseWithThatCodeAndReasonAndTheClientAnswersIt() {
        WsClient client = connect();

        client.sendText("close:4001:server says bye");

        assertThat(client.awaitClose()).isEqualTo(new WsClose(4001, "server says bye"));
        assertThat(server.awaitCloseReceived()).as("the client's answer").isEqualTo(new WsClose(4001, "server says bye"));
        client.awaitDisconnected();
        assertThat(client.disconnectedByPeer()).isTrue();
    }

    @Test
    void theUpgradeRequestArrivesWithTheHeadersTheClientSent() {
        WsClient client = cleanup.add(WsClient.to(address()).path("/ws/room?id=7").subprotocol("chat")
                .header("X-Request-Id", "kit-1").connect());

        RecordedRequest received = server.awaitRequest();

        assertThat(received.uri()).isEqualTo("/ws/room?id=7");
        assertThat(received.header("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(received.header("Sec-WebSocket-Key")).isNotBlank().isEqualTo(client.requestHeader("Sec-WebSocket-Key"));
        assertThat(received.header("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(received.header("Sec-WebSocket-Protocol")).isEqualTo("chat");
        assertThat(received.header("X-Request-Id")).isEqualTo("kit-1");
        assertThat(client.answerHeader("Sec-WebSocket-Protocol")).isEqualTo("chat");
    }

    @Test
    void aRefusingServerAnswersTheUpgradeWithItsStatusAndBody() {
        server.refuseUpgrades(403, "no websockets here");

        WsClient.Handshake answer = WsClient.to(address()).handshake();

        assertThat(answer.upgraded()).isFalse();
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).isEqualTo("no websockets here");
        assertThat(answer.header("Content-Type")).startsWith("text/plain");
        assertThat(server.requests()).hasSize(1);
        assertThat(server.handshakes()).isZero();
    }

    @Test
    void aServerSwitchingToAnotherProtocolGivesAnAnswerThatIsNotAnUpgrade() {
        server.switchProtocolsTo("h2c");

        WsClient.Handshake answer = WsClient.to(address()).handshake();

        assertThat(answer.upgraded()).isFalse();
        assertThat(answer.status()).isEqualTo(101);
        assertThat(answer.header("Upgrade")).isEqualTo("h2c");
        assertThat(answer.failure()).contains("upgrade");
    }

    @Test
    void wssWorksWithACertificateFromTheTestPki() throws SSLException {
        TestPki ca = TestPki.newCa(dir, "Kit CA");
        TestPki.Issued cert = ca.issue("ws.test").write("ws");
        TestWebSocketServer tls = cleanup.add(TestWebSocketServer.startTls(
                SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()).build()));

        WsClient client = cleanup.add(WsClient.to(new InetSocketAddress("127.0.0.1", tls.port()))
                .tls(TlsClients.trusting(ca.certificate()), "ws.test").connect());

        assertThat(client.sendText("over tls").awaitText()).isEqualTo("over tls");
        assertThat(client.tunnelBytesReceived()).as("counted inside TLS").isEqualTo(2 + 8);
    }
}
