package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogEntry.TunnelClose;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Payload;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestPki;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.TlsClients;
import dev.candor.testing.WsClient;
import dev.candor.testing.WsClose;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** wss:// through a TLS listener to a plain ws:// upstream, and ws:// to an upstream that speaks only TLS. */
class WebSocketOverTlsTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void aWssClientTunnelsThroughATlsListenerAndTheUpstreamHearsItWasHttps() {
        TestPki ca = TestPki.newCa(dir, "Candor Test CA");
        TestPki.Issued site = ca.issue("site.test").write("site");
        TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.tlsInFrontOf(upstream.port(), site));
        byte[] payload = Payload.bytes(64 * 1024);

        WsClient client = cleanup.add(WsClient.to(proxy.address())
                .tls(TlsClients.trusting(ca.certificate()), "site.test")
                .header("Host", "site.test")
                .header("X-Request-Id", "wss-1")
                .connect());

        assertThat(client.sendText("over tls").awaitText()).isEqualTo("over tls");
        assertThat(Payload.sha256(client.sendBinary(payload).awaitBinary())).isEqualTo(Payload.sha256(payload));
        assertThat(upstream.awaitRequest().header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(upstream.awaitRequest().header("Host")).isEqualTo("site.test");
        client.close(1000, "bye");
        assertThat(client.awaitClose()).isEqualTo(new WsClose(1000, "bye"));
        client.awaitDisconnected();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("wss-1");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.protocol()).isEqualTo("websocket");
        assertThat(entry.close()).isEqualTo(new TunnelClose("client", 1000, "bye"));
        assertThat(entry.bytesSent()).as("WebSocket bytes, not TLS records").isEqualTo(client.tunnelBytesReceived());
        assertThat(entry.bytesReceived()).isEqualTo(client.tunnelBytesSent());
    }

    @Test
    void aTunnelToATlsUpstreamCarriesFramesInsideTheUpstreamsTls() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Candor Test CA");
        TestPki.Issued backend = ca.issue("127.0.0.1").write("backend");
        TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.startTls(io.netty.handler.ssl.SslContextBuilder
                .forServer(backend.keys().getPrivate(), backend.certificate()).build()));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "",
                "tls:\n  ca: " + ca.caFile() + "\n"));

        WsClient client = cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", "ws-to-tls").connect());

        assertThat(client.sendText("to a tls upstream").awaitText()).isEqualTo("to a tls upstream");
        client.sendText("close:4002:tls upstream says bye");
        assertThat(client.awaitClose()).isEqualTo(new WsClose(4002, "tls upstream says bye"));
        client.awaitDisconnected();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-to-tls");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.tlsMs()).as("the upgrade opened a TLS connection to the upstream").isNotNull();
        assertThat(entry.close()).isEqualTo(new TunnelClose("upstream", 4002, "tls upstream says bye"));
        assertThat(entry.bytesReceived()).isEqualTo(client.tunnelBytesSent());
    }
}
