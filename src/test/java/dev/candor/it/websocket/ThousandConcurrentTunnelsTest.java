package dev.candor.it.websocket;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogEntry.TunnelClose;
import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A thousand tunnels open at once, each echoing a message: all carried, memory bounded (heap after GC and
 * direct buffers, for the client, proxy and upstream together in this JVM), and all gone afterwards.
 */
class ThousandConcurrentTunnelsTest {
    private static final int TUNNELS = 1_000;
    private static final int MESSAGE_BYTES = 4 * 1024;
    private static final long MEMORY_BOUND = 256L * 1024 * 1024;

    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    @Timeout(180)
    void aThousandConcurrentTunnelsEachEchoAMessageInBoundedMemoryAndAllCloseAfterwards() {
        TestWebSocketServer upstream = cleanup.add(TestWebSocketServer.start());
        AdminUnderTest proxy = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", upstream.port())));
        // One tunnel first, so that classes, pools and buffers that exist once are not counted as growth.
        try (WsClient warmUp = WsClient.to(proxy.address()).connect()) {
            warmUp.sendText("warm").awaitText();
            warmUp.close(1000, "warm").awaitDisconnected();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metric("candor_tunnels_open") == 0);
        long heapBefore = heapAfterGc();
        long directBefore = direct();

        List<WsClient> clients = new ArrayList<>(TUNNELS);
        for (int i = 0; i < TUNNELS; i++) {
            clients.add(cleanup.add(WsClient.to(proxy.address()).header("X-Request-Id", "ws-many-" + i).connect()));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(proxy.metric("candor_tunnels_open")).isEqualTo(TUNNELS));
        for (int i = 0; i < TUNNELS; i++) {
            clients.get(i).sendText(message(i));
        }
        for (int i = 0; i < TUNNELS; i++) {
            assertThat(clients.get(i).awaitText(Duration.ofSeconds(30))).as("tunnel %d", i).isEqualTo(message(i));
        }
        long heapGrowth = heapAfterGc() - heapBefore;
        long directGrowth = direct() - directBefore;

        assertThat(upstream.openWebSockets()).isEqualTo(TUNNELS);
        assertThat(heapGrowth + directGrowth)
                .as("memory growth with %d tunnels open: heap %d KiB, direct %d KiB (%d bytes a tunnel)", TUNNELS,
                        heapGrowth / 1024, directGrowth / 1024, (heapGrowth + directGrowth) / TUNNELS)
                .isLessThan(MEMORY_BOUND);

        for (WsClient client : clients) {
            client.close(1000, "bye");
        }
        for (WsClient client : clients) {
            client.awaitDisconnected(Duration.ofSeconds(30));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(proxy.metric("candor_tunnels_open")).isZero());
        await().atMost(Duration.ofSeconds(30)).until(() -> upstream.openConnections() == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> tunnelLines(proxy).size() >= TUNNELS);
        Map<String, AccessLogEntry> byId = tunnelLines(proxy).stream()
                .collect(Collectors.toMap(AccessLogEntry::requestId, Function.identity()));
        assertThat(byId).as("one line per tunnel").hasSize(TUNNELS);
        assertThat(byId.values()).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(101);
            assertThat(e.close()).isEqualTo(new TunnelClose("client", 1000, "bye"));
        });
    }

    private static List<AccessLogEntry> tunnelLines(AdminUnderTest proxy) {
        return proxy.accessLog().entries().stream()
                .filter(e -> e.requestId() != null && e.requestId().startsWith("ws-many-")).toList();
    }

    private static String message(int i) {
        String head = "tunnel " + i + " ";
        return head + "x".repeat(MESSAGE_BYTES - head.length());
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Direct memory held by Netty's default allocator plus the JDK's direct buffers (counted twice at worst). */
    private static long direct() {
        long total = 0;
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            total += provider.metric().usedDirectMemory();
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                total += pool.getMemoryUsed();
            }
        }
        return total;
    }
}
