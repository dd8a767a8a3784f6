package dev.candor.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

/**
 * An HTTP/1.1 server on 127.0.0.1, port 0, that answers each complete request as its
 * {@link BackendScript} says, records every request, and counts connections (accepted in total, open
 * now) so tests can prove keep-alive reuse and idle closes. Requests are decoded by Netty; responses are
 * raw bytes, so a script can misbehave in any way.
 */
public final class TestBackend implements AutoCloseable {
    private static final int KEEP_BODY_BYTES = 1024 * 1024;

    private final LoopbackServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final AtomicInteger heads = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private volatile BackendScript script;

    private TestBackend(BackendScript script, InetSocketAddress bind, SslContext tls) {
        this.script = requireNonNull(script, "script");
        this.server = new LoopbackServer("test-backend", bind, tls, (pipeline, connection) -> pipeline
                .addLast(new HttpRequestDecoder(new HttpDecoderConfig()
                        .setMaxInitialLineLength(64 * 1024)
                        .setMaxHeaderSize(64 * 1024)
                        .setMaxChunkSize(64 * 1024)))
                .addLast(new Recorder(connection)));
    }

    /** Starts a backend that answers every request with {@code script}. */
    public static TestBackend start(BackendScript script) {
        return new TestBackend(script, new InetSocketAddress("127.0.0.1", 0), null);
    }

    /** Starts a backend that speaks HTTPS with {@code tls} (e.g. from {@link TestPki}). */
    public static TestBackend startTls(SslContext tls, BackendScript script) {
        return new TestBackend(script, new InetSocketAddress("127.0.0.1", 0), requireNonNull(tls, "tls"));
    }

    /**
     * Starts a backend on a given loopback address and port, e.g. {@code 127.0.0.2} or {@code ::1} on the
     * port of another backend, so that DNS alone decides which one a name reaches.
     */
    public static TestBackend startOn(String ip, int port, BackendScript script) {
        return new TestBackend(script, new InetSocketAddress(ip, port), null);
    }

    /** Starts a backend that answers 200 with {@code body}. */
    public static TestBackend answering(String body) {
        return start(BackendScript.ok(body));
    }

    public int port() {
        return server.port();
    }

    /** Replaces the script for requests that complete from now on. */
    public void script(BackendScript next) {
        this.script = requireNonNull(next, "next");
    }

    /** Every complete request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Waits (at most 10 s) until {@code n} complete requests arrived; returns them all. */
    public List<RecordedRequest> awaitRequests(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() >= n);
        return requests();
    }

    /** Waits for the first complete request. */
    public RecordedRequest awaitRequest() {
        return awaitRequests(1).get(0);
    }

    /** Request heads received, including those whose body never completed. */
    public int requestHeads() {
        return heads.get();
    }

    /** Request body bytes received so far, complete requests or not: shows a body streaming in. */
    public long bodyBytesReceived() {
        return bodyBytes.get();
    }

    /** Connections accepted since the start. */
    public int acceptedConnections() {
        return server.acceptedConnections();
    }

    /** Connections open right now. */
    public int openConnections() {
        return server.openConnections();
    }

    /**
     * Connections the other side (the proxy) closed or reset first: not by a script's
     * {@code close()}, {@code reset()} or {@code closeWhenIdleFor}, nor by {@link #close()}. Shows who
     * won a keep-alive race.
     */
    public int connectionsClosedByPeer() {
        return closedByPeer.get();
    }

    /** The most connections that were ever open at the same time. */
    public int peakOpenConnections() {
        return server.peakOpenConnections();
    }

    /**
     * Closes the listening socket only, as when a backend goes down: open connections carry on, new ones
     * are refused. Waits (at most 5 s) until a connect is really refused — NIO may release the socket only
     * on its selector's next turn — so it must not be called on the backend's event loop (from a script,
     * hand it to another thread).
     */
    public void stopListening() {
        if (server.listener().eventLoop().inEventLoop()) {
            throw new IllegalStateException("stopListening() waits for the event loop: call it from another thread");
        }
        int port = port();
        server.listener().close().syncUninterruptibly();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> refuses(port));
    }

    private static boolean refuses(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    /** Closes the listening socket and every connection; again is a no-op (a test may kill a backend early). */
    @Override
    public void close() {
        server.close();
    }

    /** Assembles one request at a time from the decoder's pieces, then hands it to the script. */
    private final class Recorder extends ChannelInboundHandlerAdapter {
        private final int connection;
        private HttpRequest head;
        private BodySink body;
        private Reply reply;

        Recorder(int connection) {
            this.connection = connection;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Reply mine = new Reply(ctx.channel());
            reply = mine;
            ctx.channel().closeFuture().addListener(f -> {
                if (!mine.closedByBackend() && !server.stopping()) {
                    closedByPeer.incrementAndGet();
                }
            });
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    heads.incrementAndGet();
                    reply.requestBegun();
                    if (request.decoderResult().isFailure()) {
                        reply.closeByBackend(); // the proxy sent something that is not HTTP/1.1: the test will notice
                        return;
                    }
                    head = request;
                    body = new BodySink(KEEP_BODY_BYTES);
                }
                if (msg instanceof HttpContent content && head != null) {
                    ByteBuf buf = content.content();
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.getBytes(buf.readerIndex(), bytes);
                    body.add(bytes, 0, bytes.length);
                    bodyBytes.addAndGet(bytes.length);
                    if (content instanceof LastHttpContent last) {
                        finish(last.trailingHeaders());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish(HttpHeaders trailers) {
            RecordedRequest recorded = new RecordedRequest(connection, head.method().name(), head.uri(),
                    head.protocolVersion().text(), Header.list(head.headers()), body.length(), body.sha256(),
                    body.bytes(), Header.list(trailers));
            head = null;
            body = null;
            requests.add(recorded);
            script.respond(recorded, reply);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // resets from the proxy are part of several tests
        }
    }
}
