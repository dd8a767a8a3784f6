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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM with open tunnels (SPEC section 8): they keep working through {@code shutdown_grace}, then
 * Candor closes them with close code 1001 to both sides, and each is logged as closed by Candor.
 */
class WebSocketShutdownTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(upstream.port(), "", ""));

    @Test
    void anOpenTunnelWorksThroughTheGracePeriodThenBothSidesGetGoingAway() {
        WsClient client = cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", "ws-bye").connect());
        client.sendText("before").awaitText();
        long start = System.nanoTime();

        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(
                () -> proxy.server().shutdownGracefully(Duration.ofMillis(1_500)));

        assertThat(client.sendText("during the grace period").awaitText()).isEqualTo("during the grace period");
        WsClose toClient = client.awaitClose(Duration.ofSeconds(10));
        double afterMs = (System.nanoTime() - start) / 1e6;
        assertThat(toClient.code()).isEqualTo(1001);
        assertThat(afterMs).as("not before shutdown_grace").isGreaterThanOrEqualTo(1_500);
        assertThat(upstream.awaitCloseReceived().code()).isEqualTo(1001);
        assertThat(shutdown.join()).as("a tunnel was still open when the grace period ended").isFalse();

        AccessLogEntry entry = proxy.accessLog().awaitEntry(e -> "ws-bye".equals(e.requestId()));
        assertThat(entry.status()).isEqualTo(101);
        assertThat(entry.close()).isEqualTo(new AccessLogEntry.TunnelClose("candor", 1001, "Candor is shutting down"));
    }
}
