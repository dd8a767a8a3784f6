package dev.candor.it.websocket;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Payload;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Open tunnels and the bytes they carry, in {@code /metrics}: {@code candor_tunnels_open} and {@code candor_tunnel_bytes_total}. */
class WebSocketMetricsTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());
    private AdminUnderTest proxy;

    @BeforeEach
    void start() {
        proxy = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", upstream.port())));
    }

    private double toClient() {
        return proxy.metric("candor_tunnel_bytes_total", "direction", "to_client");
    }

    private double toUpstream() {
        return proxy.metric("candor_tunnel_bytes_total", "direction", "to_upstream");
    }

    @Test
    void theOpenTunnelsGaugeFollowsTunnelsOpeningAndEndingAndTheByteCountersAddUpToWhatTheyCarried() {
        assertThat(proxy.metricNames()).contains("candor_tunnels_open");
        assertThat(proxy.metric("candor_tunnels_open")).isZero();
        double toClientBefore = toClient();
        double toUpstreamBefore = toUpstream();

        WsClient first = cleanup.add(WsClient.to(proxy.address()).connect());
        WsClient second = cleanup.add(WsClient.to(proxy.address()).connect());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(proxy.metric("candor_tunnels_open")).isEqualTo(2));
        first.sendText("a short one").awaitText();
        second.sendBinary(Payload.bytes(100 * 1024)).awaitBinary();
        first.close(1000, "bye").awaitDisconnected();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(proxy.metric("candor_tunnels_open")).isEqualTo(1));
        second.sendText("close:4001:server says bye");
        second.awaitClose();
        second.awaitDisconnected();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(proxy.metric("candor_tunnels_open")).isZero());
        long sentToClients = first.tunnelBytesReceived() + second.tunnelBytesReceived();
        long sentByClients = first.tunnelBytesSent() + second.tunnelBytesSent();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(toClient() - toClientBefore).as("to_client").isEqualTo(sentToClients);
            assertThat(toUpstream() - toUpstreamBefore).as("to_upstream").isEqualTo(sentByClients);
        });
    }

    @Test
    void aLongTunnelCountsAsARequestUntilItsSwitchNotForItsWholeLife() {
        double countBefore = proxy.metric("candor_request_duration_seconds_count");
        double sumBefore = proxy.metric("candor_request_duration_seconds_sum");
        WsClient client = cleanup.add(WsClient.to(proxy.address()).connect());
        long opened = System.nanoTime();
        client.sendText("still here").awaitText();

        // The tunnel lives 1.5 s: Awaitility holds the test until then, checking that it stays open.
        await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
                .until(() -> client.isOpen() && System.nanoTime() - opened >= 1_500_000_000L);
        client.close(1000, "done").awaitDisconnected();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(proxy.metric("candor_request_duration_seconds_count")).isEqualTo(countBefore + 1));

        assertThat(proxy.metric("candor_request_duration_seconds_sum") - sumBefore)
                .as("the upgrade request took well under the tunnel's 1.5 s").isLessThan(1.0);
    }

    @Test
    void bytesAreCountedAsTheyPassNotOnlyWhenATunnelEnds() {
        double toClientBefore = toClient();
        double toUpstreamBefore = toUpstream();
        WsClient client = cleanup.add(WsClient.to(proxy.address()).connect());

        client.sendBinary(Payload.bytes(100 * 1024)).awaitBinary();

        // A tunnel may live for hours; its traffic shows while it is open.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(toClient() - toClientBefore).isEqualTo(client.tunnelBytesReceived());
            assertThat(toUpstream() - toUpstreamBefore).isEqualTo(client.tunnelBytesSent());
        });
        assertThat(client.isOpen()).isTrue();
    }
}
