package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogEntry.TunnelClose;
import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC §8: a reload keeps open tunnels open, on the configuration they started with. */
class WebSocketReloadTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer before = cleanup.add(TestWebSocketServer.start());
    private final TestWebSocketServer after = cleanup.add(TestWebSocketServer.start());

    private WsClient connect(AdminUnderTest proxy, String requestId) {
        return cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", requestId).connect());
    }

    @Test
    void aTunnelOpenedBeforeAReloadKeepsItsUpstreamAndItsTunnelIdleWhileNewTunnelsGetTheNewOnes() {
        AdminUnderTest proxy = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", before.port())));
        WsClient old = connect(proxy, "ws-old");
        assertThat(old.sendText("before the reload").awaitText()).isEqualTo("before the reload");

        HttpResponse<String> reloaded = proxy.reload(AdminUnderTest.config("timeouts: { tunnel_idle: 300ms }",
                after.port()));

        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(old.sendText("after the reload").awaitText()).isEqualTo("after the reload");
        assertThat(before.messagesReceived()).as("the old tunnel still reaches the old endpoint").isEqualTo(2);
        WsClient fresh = connect(proxy, "ws-new");
        assertThat(fresh.sendText("new").awaitText()).isEqualTo("new");
        assertThat(after.handshakes()).as("a new tunnel goes where the new config says").isEqualTo(1);
        assertThat(before.handshakes()).isEqualTo(1);
        // The new tunnel_idle (300 ms) applies to the new tunnel only; the old one keeps its 1 h.
        fresh.awaitDisconnected();
        assertThat(proxy.accessLog().awaitEntry("ws-new").close().by()).isEqualTo("candor");
        await("the old tunnel stays open through the new tunnel_idle and more").during(Duration.ofMillis(700))
                .atMost(Duration.ofSeconds(3)).until(old::isOpen);
        assertThat(old.sendText("still on the old config").awaitText()).isEqualTo("still on the old config");
        old.close(1000, "done").awaitDisconnected();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-old");
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.endpoint()).isEqualTo("127.0.0.1:" + before.port());
        assertThat(entry.close()).isEqualTo(new TunnelClose("client", 1000, "done"));
    }

    @Test
    void aTunnelToAnUpstreamTheReloadRemovedStaysOpenUntilItEnds() {
        AdminUnderTest proxy = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", before.port())));
        WsClient old = connect(proxy, "ws-orphan");
        old.sendText("hello").awaitText();

        HttpResponse<String> reloaded = proxy.reload(AdminUnderTest.configWithUpstream("next", "", after.port()));

        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(old.sendText("the upstream is gone from the config").awaitText())
                .isEqualTo("the upstream is gone from the config");
        assertThat(before.openWebSockets()).isEqualTo(1);
        old.sendText("close:4001:server says bye");
        old.awaitClose();
        old.awaitDisconnected();
        before.awaitNoConnections();
        AccessLogEntry entry = proxy.accessLog().awaitEntry("ws-orphan");
        assertThat(entry.upstream()).isEqualTo("app");
        assertThat(entry.close()).isEqualTo(new TunnelClose("upstream", 4001, "server says bye"));
        assertThat(entry.bytesSent()).isEqualTo(old.tunnelBytesReceived());
    }
}
