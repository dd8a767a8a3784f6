package dev.candor.client;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that asks for an upgrade takes the 101 as its answer, against a server written with plain
 * sockets so that the bytes on the wire are the test's: what arrives after the 101 is ignored, and the
 * client leaves with a masked close frame carrying 1000.
 */
class DirectExchangeUpgradeTest {
    private final MultiThreadIoEventLoopGroup group = Transport.nio().newEventLoopGroup(1, "upgrade-test");

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void a101EndsTheExchangeAndTheClientSendsACloseFrameWith1000() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<int[]> closeFrame = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5_000);
                    readHead(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    // The 101, and at once a text frame "hi" from the server, in the same write.
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(new byte[] {(byte) 0x81, 2, 'h', 'i'});
                    out.flush();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int first = in.readUnsignedByte();
                    int second = in.readUnsignedByte();
                    byte[] mask = in.readNBytes(4);
                    byte[] payload = in.readNBytes(second & 0x7f);
                    int code = ((payload[0] ^ mask[0]) & 0xff) << 8 | ((payload[1] ^ mask[1]) & 0xff);
                    return new int[] {first, second, code, in.read()};
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            DirectExchange.Request upgrade = new DirectExchange.Request("GET", "/chat", List.of(
                    Map.entry("Host", "127.0.0.1"), Map.entry("Connection", "Upgrade"), Map.entry("Upgrade", "websocket"),
                    Map.entry("Sec-WebSocket-Version", "13"), Map.entry("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")));
            DirectExchange.Outcome o = new DirectExchange(Transport.nio())
                    .send(group.next(), new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                            upgrade, new DirectExchange.Limits(2_000, 5_000, 0))
                    .get(10, TimeUnit.SECONDS);

            assertThat(o.failure()).isNull();
            assertThat(o.status()).isEqualTo(101);
            assertThat(o.header("Upgrade")).isEqualTo("websocket");
            assertThat(o.bodyBytes()).isZero();
            int[] frame = closeFrame.get(10, TimeUnit.SECONDS);
            assertThat(frame[0]).as("FIN and opcode close").isEqualTo(0x88);
            assertThat(frame[1]).as("masked, 2 bytes").isEqualTo(0x82);
            assertThat(frame[2]).as("status code").isEqualTo(1000);
            assertThat(frame[3]).as("then the connection ends").isEqualTo(-1);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
        }
    }
}
