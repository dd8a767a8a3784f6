package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §8: what happens before the 101. An upstream's refusal is its own answer, relayed; a failure to
 * reach the upstream is the usual error type; a 101 to another protocol is {@code http_upgrade_failed}.
 */
class WebSocketUpgradeFailureTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());

    @Test
    void anUpstreamThatRefusesTheUpgradeHasItsOwnAnswerRelayedAndNoCandorErrorLogged() {
        upstream.refuseUpgrades(403, "no websockets here");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "", ""));

        WsClient.Handshake answer = WsClient.to(proxy.address()).header("X-Request-Id", "ws-refused").handshake();

        assertThat(answer.upgraded()).isFalse();
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).isEqualTo("no websockets here");
        assertThat(answer.header("Content-Type")).startsWith("text/plain");
        assertThat(answer.header("Proxy-Status")).as("not a response Candor made")
                .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).doesNotContain("error="));
        assertThat(upstream.requests()).hasSize(1);
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-refused");
        assertThat(entry.status()).isEqualTo(403);
        assertThat(entry.upstreamStatus()).isEqualTo(403);
        assertThat(entry.error()).isNull();
        assertThat(entry.bytesSent()).isEqualTo("no websockets here".length());
        assertThat(entry.protocol()).as("an ordinary response, not a tunnel").isEqualTo("HTTP/1.1");
        assertThat(entry.close()).isNull();
        assertThat(entry.bytesReceived()).isNull();
    }

    @Test
    void anUpgradeToAnUpstreamThatIsDownIsA502ConnectionRefused() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(Ports.refusing(), "", ""));

        WsClient.Handshake answer = WsClient.to(proxy.address()).header("X-Request-Id", "ws-down").handshake();

        assertThat(answer.upgraded()).isFalse();
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.header("Proxy-Status")).startsWith("candor").contains("error=connection_refused");
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-down");
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.close()).isNull();
    }

    @Test
    void anUpstreamThatSwitchesToAnotherProtocolThanWebSocketIsA502HttpUpgradeFailed() {
        upstream.switchProtocolsTo("h2c");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "", ""));

        WsClient.Handshake answer = WsClient.to(proxy.address()).header("X-Request-Id", "ws-h2c").handshake();

        assertThat(answer.upgraded()).isFalse();
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.header("Proxy-Status")).startsWith("candor").contains("error=http_upgrade_failed");
        assertThat(answer.header("Upgrade")).as("no trace of the upstream's switch reaches the client").isNull();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-h2c");
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("http_upgrade_failed");
        assertThat(entry.upstreamStatus()).as("the upstream did answer, with a 101").isEqualTo(101);
        assertThat(entry.close()).isNull();
        upstream.awaitNoConnections(); // a connection that switched to h2c is of no further use to Candor
    }
}
