package dev.candor.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import static java.util.Objects.requireNonNull;

/**
 * A WebSocket client (Netty's codec, version 13) for end-to-end tests, over ws:// or wss://. It keeps what it
 * receives in queues a test waits on with bounded waits, answers pings, plays the client's part in the
 * closing handshake, and counts the bytes that crossed the wire after the upgrade both ways, to compare
 * with a tunnel's access-log line. Every wait is bounded (10 s unless given), so a test fails instead of
 * hanging.
 *
 * <p>Start with {@link #to(InetSocketAddress)}: {@code connect()} for a tunnel, or {@code handshake()} to see
 * an answer that is not a 101. All clients share two daemon event-loop threads, so a test can open a
 * thousand of them.
 */
public final class WsClient implements AutoCloseable {
    /** Largest message (and frame) payload accepted, comfortably above the tests' 1 MiB messages. */
    public static final int MAX_MESSAGE = 4 * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long the client waits, after both close frames, for the server to close the TCP connection (§7.1.1). */
    private static final Duration SERVER_CLOSE_WAIT = Duration.ofSeconds(5);

    private static final class Loops {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("ws-client", true), NioIoHandler.newFactory());
    }

    private final Channel channel;
    private final List<Header> upgradeAnswer;
    private final List<Header> upgradeRequest;
    private final Receiver receiver;
    private final WireCounter wire;
    private final long readAtUpgrade;
    private final long writtenAtUpgrade;

    private WsClient(Channel channel, List<Header> upgradeRequest, List<Header> upgradeAnswer, Receiver receiver,
                     WireCounter wire, long readAtUpgrade, long writtenAtUpgrade) {
        this.channel = channel;
        this.upgradeRequest = upgradeRequest;
        this.upgradeAnswer = upgradeAnswer;
        this.receiver = receiver;
        this.wire = wire;
        this.readAtUpgrade = readAtUpgrade;
        this.writtenAtUpgrade = writtenAtUpgrade;
    }

    /** A client for ws://address{@value TestWebSocketServer#PATH}; see {@link Builder}. */
    public static Builder to(InetSocketAddress address) {
        return new Builder(address);
    }

    /**
     * The answer to an upgrade request.
     *
     * @param status the HTTP status of the answer
     * @param headers its header fields as received
     * @param body its body (UTF-8), empty for a 101
     * @param client the open WebSocket when the upgrade succeeded, else null (the connection is then closed)
     * @param failure why a 101 could not be used (e.g. another protocol), else null
     */
    public record Handshake(int status, List<Header> headers, String body, WsClient client, String failure) {
        public boolean upgraded() {
            return client != null;
        }

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            return Header.first(headers, name);
        }
    }

    /** How to reach the server and what to send in the upgrade request. */
    public static final class Builder {
        private final InetSocketAddress address;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private String path = TestWebSocketServer.PATH;
        private String subprotocol;
        private SSLContext tls;
        private String sni;

        private Builder(InetSocketAddress address) {
            this.address = requireNonNull(address, "address");
        }

        /** The request target, {@value TestWebSocketServer#PATH} by default; may carry a query. */
        public Builder path(String path) {
            this.path = requireNonNull(path, "path");
            return this;
        }

        /** An extra header field on the upgrade request (a {@code Host} here replaces the default one). */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Offers a subprotocol ({@code Sec-WebSocket-Protocol}); the answer must then select it. */
        public Builder subprotocol(String subprotocol) {
            this.subprotocol = requireNonNull(subprotocol, "subprotocol");
            return this;
        }

        /**
         * Speaks wss://: TLS with {@code context} (e.g. {@link TlsClients#trusting}), offering ALPN
         * http/1.1 and sending {@code sni} (verified against the certificate) unless it is null.
         */
        public Builder tls(SSLContext context, String sni) {
            this.tls = requireNonNull(context, "context");
            this.sni = sni;
            return this;
        }

        /** Connects, sends the upgrade request and waits (at most 10 s) for the answer, whatever it is. */
        public Handshake handshake() {
            return WsClient.handshake(this);
        }

        /** Connects and upgrades; fails the test with the answer when it is not a usable 101. */
        public WsClient connect() {
            Handshake h = handshake();
            if (!h.upgraded()) {
                throw new AssertionError("the upgrade was not accepted: " + h.status() + " " + h.headers()
                        + (h.failure() == null ? "" : " (" + h.failure() + ")") + " " + h.body());
            }
            return h.client();
        }
    }

    private static Handshake handshake(Builder b) {
        URI uri = URI.create((b.tls == null ? "ws" : "wss") + "://" + b.address.getHostString() + ":"
                + b.address.getPort() + b.path);
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri,
                WebSocketVersion.V13, b.subprotocol, false, b.headers, MAX_MESSAGE);
        WireCounter wire = new WireCounter();
        RequestRecorder request = new RequestRecorder();
        Receiver receiver = new Receiver(handshaker, wire, request);
        Channel ch = new Bootstrap()
                .group(Loops.GROUP)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (b.tls != null) {
                            ch.pipeline().addLast("tls", new SslHandler(engine(b)));
                        }
                        ch.pipeline()
                                .addLast("wire", wire)
                                .addLast("http", new HttpClientCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(1024 * 1024))
                                .addLast("request-recorder", request)
                                .addLast("receiver", receiver);
                    }
                })
                .connect(b.address).syncUninterruptibly().channel();
        try {
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl != null) {
                ssl.handshakeFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            // On the event loop: the handshaker adds its frame encoder when the request's write completes, and
            // that must happen before the answer is read (which removes the HTTP codec it looks for).
            CompletableFuture<Void> sent = new CompletableFuture<>();
            ch.eventLoop().execute(() -> handshaker.handshake(ch).addListener(f -> {
                if (f.isSuccess()) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(f.cause());
                }
            }));
            sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return receiver.answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            ch.close();
            throw new AssertionError("the WebSocket handshake with " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            ch.close();
            throw new AssertionError("no answer to the upgrade request to " + uri + " within " + WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            ch.close();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static SSLEngine engine(Builder b) {
        SSLEngine engine = b.sni == null
                ? b.tls.createSSLEngine()
                : b.tls.createSSLEngine(b.sni, b.address.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (b.sni != null) {
            p.setServerNames(List.of(new SNIHostName(b.sni)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
        } else {
            p.setServerNames(List.of());
        }
        p.setApplicationProtocols(new String[]{"http/1.1"});
        engine.setSSLParameters(p);
        return engine;
    }

    /** The header fields of the 101 answer. */
    public List<Header> upgradeAnswer() {
        return upgradeAnswer;
    }

    /** The first value of a header of the 101 answer (case-insensitive), or null. */
    public String answerHeader(String name) {
        return Header.first(upgradeAnswer, name);
    }

    /** The header fields of the upgrade request as this client sent it (Sec-WebSocket-Key included). */
    public List<Header> upgradeRequest() {
        return upgradeRequest;
    }

    /** The first value of a header of the upgrade request as sent (case-insensitive), or null. */
    public String requestHeader(String name) {
        return Header.first(upgradeRequest, name);
    }

    /** Sends a text message; returns once it was written to the socket (at most 10 s). */
    public WsClient sendText(String text) {
        return send(new TextWebSocketFrame(text));
    }

    /** Sends a binary message; returns once it was written to the socket (at most 10 s). */
    public WsClient sendBinary(byte[] bytes) {
        return send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    /** Sends a ping with {@code payload} (at most 125 bytes). */
    public WsClient ping(byte[] payload) {
        return send(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    }

    /** Starts the closing handshake with this code and reason; see {@link #awaitClose()} for the answer. */
    public WsClient close(int code, String reason) {
        receiver.closeSent = true;
        return send(new CloseWebSocketFrame(code, reason));
    }

    private WsClient send(WebSocketFrame frame) {
        ChannelFuture written = channel.writeAndFlush(frame);
        if (!written.awaitUninterruptibly(WAIT.toMillis())) {
            throw new AssertionError("a " + frame.getClass().getSimpleName() + " was not written within "
                    + WAIT.toSeconds() + " s");
        }
        if (!written.isSuccess()) {
            throw new AssertionError("could not send a " + frame.getClass().getSimpleName() + ": " + written.cause(),
                    written.cause());
        }
        return this;
    }

    /** The next text message, waiting at most 10 s. */
    public String awaitText() {
        return awaitText(WAIT);
    }

    /** The next text message, waiting at most {@code timeout}. */
    public String awaitText(Duration timeout) {
        return take(receiver.texts, "text message", timeout);
    }

    /** The next binary message, waiting at most 10 s. */
    public byte[] awaitBinary() {
        return awaitBinary(WAIT);
    }

    /** The next binary message, waiting at most {@code timeout}. */
    public byte[] awaitBinary(Duration timeout) {
        return take(receiver.binaries, "binary message", timeout);
    }

    /** The payload of the next pong, waiting at most 10 s. */
    public byte[] awaitPong() {
        return take(receiver.pongs, "pong", WAIT);
    }

    /** The close frame received from the other side, waiting at most 10 s. */
    public WsClose awaitClose() {
        return awaitClose(WAIT);
    }

    /** The close frame received from the other side, waiting at most {@code timeout}. */
    public WsClose awaitClose(Duration timeout) {
        try {
            return receiver.closeReceived.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no close frame within " + timeout.toMillis() + " ms (" + state() + ")");
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The close frame received, if one arrived already. */
    public WsClose closeReceived() {
        return receiver.closeReceived.getNow(null);
    }

    /** Waits (at most 10 s) until the TCP connection is closed, by either side. */
    public WsClient awaitDisconnected() {
        return awaitDisconnected(WAIT);
    }

    /** Waits (at most {@code timeout}) until the TCP connection is closed, by either side. */
    public WsClient awaitDisconnected(Duration timeout) {
        if (!channel.closeFuture().awaitUninterruptibly(timeout.toMillis())) {
            throw new AssertionError("still connected after " + timeout.toMillis() + " ms (" + state() + ")");
        }
        return this;
    }

    /** Whether the TCP connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Whether the other side closed the TCP connection (rather than this client, which does so only when the
     * server fails to within 5 s of the closing handshake, or on {@link #close()}).
     */
    public boolean disconnectedByPeer() {
        return !channel.isActive() && !receiver.closedByUs;
    }

    /** Bytes this client wrote after the upgrade request (frames, as they went on the wire inside TLS). */
    public long tunnelBytesSent() {
        return wire.written.get() - writtenAtUpgrade;
    }

    /** Bytes this client read after the 101 answer's header section. */
    public long tunnelBytesReceived() {
        return wire.read.get() - readAtUpgrade;
    }

    /** Closes the TCP connection at once, without a close frame (waits at most 5 s). */
    @Override
    public void close() {
        receiver.closedByUs = true;
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private String state() {
        return (channel.isActive() ? "connected" : "disconnected") + ", close frame received: "
                + receiver.closeReceived.getNow(null) + ", error: " + receiver.error;
    }

    private <T> T take(BlockingQueue<T> queue, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                // Waits in slices so that a closed connection fails the test at once rather than at the deadline.
                T item = queue.poll(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS);
                if (item != null) {
                    return item;
                }
                if (!channel.isActive() && queue.isEmpty()) {
                    throw new AssertionError("no " + what + ": the connection is closed (" + state() + ")");
                }
                if (System.nanoTime() >= deadline) {
                    throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms (" + state() + ")");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<Header> list(HttpHeaders headers) {
        List<Header> out = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            out.add(new Header(e.getKey(), e.getValue()));
        }
        return List.copyOf(out);
    }

    /** Records the upgrade request's header fields as they leave, Sec-WebSocket-Key included. */
    private static final class RequestRecorder extends ChannelOutboundHandlerAdapter {
        volatile List<Header> sent = List.of();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpRequest request) {
                sent = list(request.headers());
            }
            ctx.write(msg, promise);
        }
    }

    /** Counts the bytes read and written under the HTTP and WebSocket codecs (above TLS, when there is TLS). */
    private static final class WireCounter extends ChannelDuplexHandler {
        final AtomicLong read = new AtomicLong();
        final AtomicLong written = new AtomicLong();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                read.addAndGet(buf.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buf) {
                long n = buf.readableBytes();
                ChannelPromise p = promise.unvoid();
                p.addListener(f -> {
                    if (f.isSuccess()) {
                        written.addAndGet(n);
                    }
                });
                ctx.write(msg, p);
            } else {
                ctx.write(msg, promise);
            }
        }
    }

    /** Turns the answer into a {@link Handshake}, then routes each received frame to its queue. */
    private static final class Receiver extends SimpleChannelInboundHandler<Object> {
        private final WebSocketClientHandshaker handshaker;
        private final WireCounter wire;
        final CompletableFuture<Handshake> answer = new CompletableFuture<>();
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
        final CompletableFuture<WsClose> closeReceived = new CompletableFuture<>();
        volatile boolean closeSent;
        volatile boolean closedByUs;
        volatile Throwable error;
        private final RequestRecorder request;

        Receiver(WebSocketClientHandshaker handshaker, WireCounter wire, RequestRecorder request) {
            this.handshaker = handshaker;
            this.wire = wire;
            this.request = request;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete()) {
                if (msg instanceof FullHttpResponse response) {
                    onAnswer(ctx, response);
                }
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                texts.add(text.text());
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                byte[] bytes = new byte[binary.content().readableBytes()];
                binary.content().getBytes(binary.content().readerIndex(), bytes);
                binaries.add(bytes);
            } else if (msg instanceof PongWebSocketFrame pong) {
                byte[] bytes = new byte[pong.content().readableBytes()];
                pong.content().getBytes(pong.content().readerIndex(), bytes);
                pongs.add(bytes);
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                onClose(ctx, close);
            }
        }

        private void onAnswer(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            List<Header> headers = list(response.headers());
            String body = response.content().toString(StandardCharsets.UTF_8);
            if (status != 101) {
                answer.complete(new Handshake(status, headers, body, null, null));
                closedByUs = true;
                ctx.close();
                return;
            }
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (WebSocketHandshakeException e) {
                answer.complete(new Handshake(status, headers, body, null, e.getMessage()));
                closedByUs = true;
                ctx.close();
                return;
            }
            // Messages may arrive in several frames; a test sees each message whole.
            ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
            WsClient client = new WsClient(ctx.channel(), request.sent, headers, this, wire, wire.read.get(),
                    wire.written.get());
            answer.complete(new Handshake(status, headers, body, client, null));
        }

        private void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
            if (closeReceived.isDone()) {
                return;
            }
            WsClose received = WsClose.of(frame);
            closeReceived.complete(received);
            if (!closeSent) {
                closeSent = true;
                ctx.writeAndFlush(received.echo());
            }
            // The server closes the TCP connection first (RFC 6455 §7.1.1); a client closes it only if the server does not.
            ctx.executor().schedule(() -> {
                if (ctx.channel().isActive()) {
                    closedByUs = true;
                    ctx.close();
                }
            }, SERVER_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IllegalStateException("the connection closed before an answer"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error = cause;
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }
}
