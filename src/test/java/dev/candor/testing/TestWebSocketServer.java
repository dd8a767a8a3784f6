package dev.candor.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket server (Netty's codec) on 127.0.0.1, port 0, ws:// or wss://, serving {@value #PATH} (and paths below it).
 * By default it accepts every upgrade and echoes each text and binary message; a text message
 * {@code close:CODE:REASON} makes it send that close frame itself instead. Pings are answered with pongs by
 * the codec and recorded. It records every request, the close frames its peers sent, and counts
 * connections, so a test sees what reached the upstream side of a tunnel. It can also refuse upgrades with
 * an ordinary response ({@link #refuseUpgrades}) or answer them with a 101 to another protocol
 * ({@link #switchProtocolsTo}).
 */
public final class TestWebSocketServer implements AutoCloseable {
    /** The path upgrades are accepted on. */
    public static final String PATH = "/ws";
    /** The subprotocol the server agrees to when a client offers it. */
    public static final String SUBPROTOCOL = "chat";
    /** Largest message (and frame) payload accepted, comfortably above the tests' 1 MiB messages. */
    public static final int MAX_MESSAGE = 4 * 1024 * 1024;
    /** How long the server waits for the answer to a close frame it sent before closing anyway. */
    private static final Duration CLOSE_ANSWER_WAIT = Duration.ofSeconds(5);

    /** What the server does with an upgrade request. */
    private sealed interface Mode {
    }

    private record Accept() implements Mode {
    }

    private record Refuse(int status, String body) implements Mode {
    }

    private record SwitchTo(String protocol) implements Mode {
    }

    private final LoopbackServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<byte[]> pings = new CopyOnWriteArrayList<>();
    private final List<WsClose> closesReceived = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger openWebSockets = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private volatile Mode mode = new Accept();

    private TestWebSocketServer(SslContext tls) {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true)
                .subprotocols(SUBPROTOCOL)
                .maxFramePayloadLength(MAX_MESSAGE)
                // Close frames are handled below, so that the server records them and answers each once.
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .build();
        this.server = new LoopbackServer("test-ws-server", new InetSocketAddress("127.0.0.1", 0), tls,
                (pipeline, connection) -> pipeline
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new UpgradeGate(connection))
                        .addLast(new PingRecorder())
                        .addLast(new WebSocketServerProtocolHandler(config))
                        .addLast(new WebSocketFrameAggregator(MAX_MESSAGE))
                        .addLast(new Echo()));
    }

    /** Starts a server that accepts upgrades and echoes. */
    public static TestWebSocketServer start() {
        return new TestWebSocketServer(null);
    }

    /** Starts a server that speaks wss:// with {@code tls} (e.g. built from a {@link TestPki} certificate). */
    public static TestWebSocketServer startTls(SslContext tls) {
        return new TestWebSocketServer(requireNonNull(tls, "tls"));
    }

    public int port() {
        return server.port();
    }

    /** From now on, answers every request with {@code status} and a text/plain {@code body}, keeping the connection. */
    public TestWebSocketServer refuseUpgrades(int status, String body) {
        if (status == 101) {
            throw new IllegalArgumentException("a refusal is any status but 101");
        }
        this.mode = new Refuse(status, requireNonNull(body, "body"));
        return this;
    }

    /** From now on, answers every request with {@code 101 Switching Protocols} and {@code Upgrade: protocol}. */
    public TestWebSocketServer switchProtocolsTo(String protocol) {
        this.mode = new SwitchTo(requireNonNull(protocol, "protocol"));
        return this;
    }

    /** From now on, accepts upgrades again (the default). */
    public TestWebSocketServer acceptUpgrades() {
        this.mode = new Accept();
        return this;
    }

    /**
     * Every HTTP request received so far, as it arrived: the upgrade requests (accepted or not), and any
     * request that was no upgrade at all (a proxy that dropped the Upgrade header shows here).
     */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Waits (at most 10 s) for the first request. */
    public RecordedRequest awaitRequest() {
        await("a request at the WebSocket server").atMost(Duration.ofSeconds(10)).until(() -> !requests.isEmpty());
        return requests.get(0);
    }

    /** Upgrades completed (101 sent) since the start. */
    public int handshakes() {
        return handshakes.get();
    }

    /** TCP connections accepted since the start. */
    public int acceptedConnections() {
        return server.acceptedConnections();
    }

    /** TCP connections open right now. */
    public int openConnections() {
        return server.openConnections();
    }

    /** Upgraded connections open right now. */
    public int openWebSockets() {
        return openWebSockets.get();
    }

    /** Text and binary messages received since the start. */
    public int messagesReceived() {
        return messages.get();
    }

    /** Payloads of the pings received, in order. */
    public List<byte[]> pings() {
        return List.copyOf(pings);
    }

    /** Waits (at most 10 s) until {@code n} pings arrived; returns them all. */
    public List<byte[]> awaitPings(int n) {
        await("" + n + " pings at the WebSocket server").atMost(Duration.ofSeconds(10)).until(() -> pings.size() >= n);
        return pings();
    }

    /** The close frames peers sent (first one per connection), in arrival order. */
    public List<WsClose> closesReceived() {
        return List.copyOf(closesReceived);
    }

    /** Waits (at most 10 s) for a close frame from a peer and returns the first. */
    public WsClose awaitCloseReceived() {
        await("a close frame at the WebSocket server").atMost(Duration.ofSeconds(10))
                .until(() -> !closesReceived.isEmpty());
        return closesReceived.get(0);
    }

    /** Waits (at most 10 s) until no connection is open. */
    public void awaitNoConnections() {
        await("every connection to the WebSocket server closed").atMost(Duration.ofSeconds(10))
                .until(() -> server.openConnections() == 0);
    }

    /** Closes the listening socket and every connection (without close frames); again is a no-op. */
    @Override
    public void close() {
        server.close();
    }

    private static RecordedRequest record(int connection, FullHttpRequest request) {
        List<Header> headers = Header.list(request.headers());
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        return new RecordedRequest(connection, request.method().name(), request.uri(),
                request.protocolVersion().text(), List.copyOf(headers), body.length, Payload.sha256(body), body,
                List.of());
    }

    /** Records each request and, unless the server accepts upgrades, answers it instead of the WebSocket codec. */
    private final class UpgradeGate extends ChannelInboundHandlerAdapter {
        private final int connection;

        UpgradeGate(int connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest request)) {
                ctx.fireChannelRead(msg);
                return;
            }
            requests.add(record(connection, request));
            Mode now = mode;
            if (now instanceof Accept) {
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg);
            FullHttpResponse response;
            if (now instanceof Refuse refuse) {
                byte[] body = refuse.body().getBytes(StandardCharsets.UTF_8);
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(refuse.status()), Unpooled.wrappedBuffer(body));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            } else {
                // A 101 to another protocol than the one asked for; whatever follows is not this server's concern.
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS,
                        Unpooled.EMPTY_BUFFER);
                response.headers().set(HttpHeaderNames.UPGRADE, ((SwitchTo) now).protocol())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            }
            ctx.writeAndFlush(response);
        }
    }

    /** Records pings before the codec answers them with pongs. */
    private final class PingRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PingWebSocketFrame ping) {
                byte[] payload = new byte[ping.content().readableBytes()];
                ping.content().getBytes(ping.content().readerIndex(), payload);
                pings.add(payload);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Echoes messages, and plays the server's part in the closing handshake (RFC 6455 §5.5.1, §7.1.1). */
    private final class Echo extends SimpleChannelInboundHandler<Object> {
        private boolean closeSent;
        private boolean closeReceived;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                handshakes.incrementAndGet();
                openWebSockets.incrementAndGet();
                ctx.channel().closeFuture().addListener(f -> openWebSockets.decrementAndGet());
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
                // Not an upgrade to this server's path.
                FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER);
                notFound.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(notFound);
            } else if (msg instanceof TextWebSocketFrame text) {
                messages.incrementAndGet();
                onText(ctx, text.text());
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                messages.incrementAndGet();
                ctx.writeAndFlush(new BinaryWebSocketFrame(binary.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                onClose(ctx, close);
            }
        }

        private void onText(ChannelHandlerContext ctx, String text) {
            if (!text.startsWith("close:")) {
                ctx.writeAndFlush(new TextWebSocketFrame(text));
                return;
            }
            String[] parts = text.split(":", 3);
            int code = Integer.parseInt(parts[1]);
            String reason = parts.length > 2 ? parts[2] : "";
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
            // The peer should answer with its own close frame; if it never does, close anyway.
            ctx.executor().schedule(() -> ctx.close(), CLOSE_ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
            if (closeReceived) {
                return;
            }
            closeReceived = true;
            WsClose received = WsClose.of(frame);
            closesReceived.add(received);
            if (closeSent) {
                ctx.close(); // both close frames exchanged: the server closes the TCP connection first (§7.1.1)
            } else {
                closeSent = true;
                ctx.writeAndFlush(received.echo()).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // resets and protocol violations from the peer end the connection; tests notice
        }
    }
}
