package dev.candor.client;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.upstream.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * One HTTP/1.1 exchange with one endpoint on a connection of its own, through the same pipeline (TLS
 * included) and failure classification as proxied traffic: what {@code candor doctor} sends when it bypasses the
 * proxy. Optionally keeps the connection idle afterwards and times when the endpoint closes it, which is
 * how an endpoint's keep-alive timeout is measured when it does not advertise one. A request that carries
 * {@code Upgrade} takes a {@code 101} as its answer: the handshake is all the doctor looks at, so the
 * connection is closed right after it (with a WebSocket close frame, 1000, when the switch was to
 * {@code websocket}).
 */
public final class DirectExchange {
    private final Transport transport;
    private final UpstreamTlsContexts tls;
    private final UpstreamChannelInitializer plain = new UpstreamChannelInitializer();

    /** Plain HTTP only. */
    public DirectExchange(Transport transport) {
        this(transport, UpstreamTlsContexts.NONE);
    }

    /** Endpoints of upstreams with {@code tls} are reached through the same TLS handshake and checks as requests. */
    public DirectExchange(Transport transport, UpstreamTlsContexts tls) {
        this.transport = requireNonNull(transport, "transport");
        this.tls = requireNonNull(tls, "tls");
    }

    /**
     * What the TLS handshake established, for the evidence.
     *
     * @param serverName the name sent in SNI and verified (for an IP literal: verified, not sent)
     * @param peerNotAfter when the endpoint's certificate expires, or null when none was seen
     */
    public record TlsFacts(String serverName, long handshakeNanos, String protocol, String cipherSuite,
                           String peerSubject, java.time.Instant peerNotAfter) {
    }

    /** The request: method, path and headers (name, value) as sent; {@code Host} among them. */
    public record Request(String method, String path, List<Map.Entry<String, String>> headers) {
        public Request {
            requireNonNull(method, "method");
            requireNonNull(path, "path");
            headers = List.copyOf(headers);
        }
    }

    /** Bounds of one exchange, in milliseconds; {@code holdIdleMillis} 0 closes at once after the response. */
    public record Limits(long connectMillis, long responseMillis, long holdIdleMillis) {
    }

    /**
     * What happened. Times are nanoseconds from the start of the connect; a phase not reached is -1.
     *
     * @param failure why the exchange failed, or null when a complete response arrived
     * @param headers the response headers (name, value) in order
     * @param idleCloseNanos how long the connection stayed idle before the endpoint closed it; -1 when it
     *                       was still open at the end of the hold (or not held)
     * @param keepAlive whether the response allowed the connection to be reused
     * @param tls what the handshake established, or null for plain HTTP (or when it failed: see {@code failure})
     */
    public record Outcome(long connectNanos, long headersNanos, long totalNanos, int status,
                          List<Map.Entry<String, String>> headers, String bodySha256, long bodyBytes,
                          Cause failure, long idleCloseNanos, boolean keepAlive, TlsFacts tls) {

        /** The first value of a header, case-insensitive, or null. */
        public String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }
    }

    /** Sends {@code request} to {@code address} in plain HTTP; the future always succeeds with the outcome. */
    public Future<Outcome> send(EventLoop loop, InetSocketAddress address, Request request, Limits limits) {
        Promise<Outcome> promise = loop.newPromise();
        loop.execute(() -> new Run(loop, request, limits, promise, null, null).start(address));
        return promise;
    }

    /**
     * Sends {@code request} to {@code endpoint} of upstream {@code upstream}, over TLS when that upstream
     * has it (with its SNI, trust and client certificate); the future always succeeds with the outcome.
     */
    public Future<Outcome> send(EventLoop loop, String upstream, Endpoint endpoint, Request request, Limits limits) {
        Promise<Outcome> promise = loop.newPromise();
        UpstreamTls upstreamTls = tls.forUpstream(upstream);
        loop.execute(() -> new Run(loop, request, limits, promise, upstreamTls, endpoint).start(endpoint.socketAddress()));
        return promise;
    }

    /** The state of one exchange; every method runs on its event loop. */
    private final class Run implements UpstreamListener {
        private final EventLoop loop;
        private final Request request;
        private final Limits limits;
        private final Promise<Outcome> promise;
        private final long start = System.nanoTime();
        private final MessageDigest digest = sha256();
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private Channel channel;
        private long connected = -1;
        private long headersAt = -1;
        private long completeAt = -1;
        private int status;
        private long bodyBytes;
        private boolean keepAlive;
        private Phase phase = Phase.CONNECT;
        private final UpstreamTls upstreamTls;
        private final Endpoint endpoint;
        private TlsFacts tlsFacts;
        /** Set when the endpoint answered the upgrade request with 101: the connection no longer speaks HTTP. */
        private boolean switched;

        Run(EventLoop loop, Request request, Limits limits, Promise<Outcome> promise, UpstreamTls upstreamTls,
            Endpoint endpoint) {
            this.loop = loop;
            this.request = request;
            this.limits = limits;
            this.promise = promise;
            this.upstreamTls = upstreamTls;
            this.endpoint = endpoint;
        }

        void start(InetSocketAddress address) {
            ChannelFuture f = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, limits.connectMillis())))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(upstreamTls == null ? plain
                            : new UpstreamChannelInitializer(upstreamTls, endpoint, Math.max(1, limits.connectMillis())))
                    .connect(address);
            channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    fail(FailureClassifier.connectFailure(done.cause()));
                    return;
                }
                connected = System.nanoTime() - start;
                if (upstreamTls == null) {
                    sendRequest();
                    return;
                }
                phase = Phase.TLS;
                UpstreamTls.handshake(channel, connected).addListener(h -> {
                    if (!h.isSuccess()) {
                        fail(h.cause() instanceof TlsHandshakeFailure t ? t.classified()
                                : FailureClassifier.connectionFailure(h.cause(), Phase.TLS));
                        return;
                    }
                    tlsFacts = facts(upstreamTls.serverName(endpoint), (Long) h.getNow());
                    sendRequest();
                });
            });
        }

        private TlsFacts facts(String serverName, long handshakeNanos) {
            javax.net.ssl.SSLSession session = channel.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession();
            String subject = null;
            java.time.Instant notAfter = null;
            try {
                java.security.cert.Certificate[] chain = session.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x509) {
                    subject = x509.getSubjectX500Principal().getName();
                    notAfter = x509.getNotAfter().toInstant();
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                // verify: false and an anonymous peer: nothing to show
            }
            return new TlsFacts(serverName, handshakeNanos, session.getProtocol(), session.getCipherSuite(), subject, notAfter);
        }

        private void sendRequest() {
            phase = Phase.AWAIT_HEADERS;
            channel.pipeline().get(UpstreamHandler.class).bind(this);
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                    request.path());
            request.headers().forEach(h -> r.headers().add(h.getKey(), h.getValue()));
            if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0); // no body, said explicitly (RFC 9112 6.3)
            }
            channel.writeAndFlush(r);
            loop.schedule(() -> {
                if (headersAt < 0 && !promise.isDone()) {
                    fail(new Cause(Phase.AWAIT_HEADERS, Actor.PROXY, Signal.TIMED_OUT,
                            "no response header within " + limits.responseMillis() + " ms"));
                }
            }, Math.max(1, limits.responseMillis()), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onResponseObject(HttpObject message) {
            try {
                if (message.decoderResult().isFailure()) {
                    fail(FailureClassifier.malformedResponse(message.decoderResult().cause(), phase));
                    return;
                }
                if (message instanceof HttpResponse response) {
                    int code = response.status().code();
                    if (code < 200 && !(code == 101 && asksUpgrade())) {
                        return; // 1xx: the final response follows
                    }
                    headersAt = System.nanoTime() - start;
                    status = code;
                    response.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
                    keepAlive = HttpUtil.isKeepAlive(response);
                    phase = Phase.RECEIVE_BODY;
                    if (code == 101) {
                        switched();
                        return;
                    }
                }
                if (message instanceof HttpContent content) {
                    ByteBuf body = content.content();
                    bodyBytes += body.readableBytes();
                    digest.update(body.nioBuffer());
                }
                if (message instanceof LastHttpContent && headersAt >= 0) {
                    completeAt = System.nanoTime() - start;
                    // A backend that advertises its keep-alive timeout has said what waiting would show.
                    boolean advertised = KeepAliveParity.advertisedSeconds(header("Keep-Alive")) > 0;
                    if (limits.holdIdleMillis() > 0 && keepAlive && !advertised) {
                        loop.schedule(() -> finish(-1), limits.holdIdleMillis(), TimeUnit.MILLISECONDS);
                    } else {
                        finish(-1);
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private boolean asksUpgrade() {
            return request.headers().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Upgrade"));
        }

        /**
         * The handshake is complete. What follows is another protocol, so the listener is unbound (the
         * pipeline's last handler then drops and closes on whatever the endpoint sends next) and the
         * exchange ends with the head.
         */
        private void switched() {
            switched = true;
            completeAt = headersAt;
            channel.pipeline().get(UpstreamHandler.class).bind(null);
            finish(-1);
        }

        @Override
        public void onUpstreamClosed() {
            if (completeAt >= 0) {
                finish(System.nanoTime() - start - completeAt);
            } else {
                fail(new Cause(phase, Actor.UPSTREAM, Signal.CLOSED, phase == Phase.RECEIVE_BODY
                        ? "closed after " + bodyBytes + " body bytes" : "closed before a response header"));
            }
        }

        @Override
        public void onUpstreamException(Throwable cause) {
            if (completeAt >= 0) {
                finish(System.nanoTime() - start - completeAt);
            } else {
                fail(FailureClassifier.connectionFailure(cause, phase));
            }
        }

        private String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        private void fail(Cause cause) {
            complete(cause, -1);
        }

        private void finish(long idleCloseNanos) {
            complete(null, idleCloseNanos);
        }

        private void complete(Cause failure, long idleCloseNanos) {
            if (promise.isDone()) {
                return;
            }
            long total = completeAt >= 0 ? completeAt : System.nanoTime() - start;
            String sha = completeAt >= 0 ? HexFormat.of().formatHex(digest.digest()) : null;
            promise.setSuccess(new Outcome(connected, headersAt, total, status, List.copyOf(headers), sha, bodyBytes,
                    failure, idleCloseNanos, keepAlive, tlsFacts));
            if (channel == null) {
                return;
            }
            if (switched && "websocket".equalsIgnoreCase(header("Upgrade")) && channel.pipeline().context(UpstreamChannelInitializer.HTTP) != null) {
                // Leave as a WebSocket client should (RFC 6455 section 5.5.1), not by cutting the connection.
                // Written below the HTTP codec: the connection no longer speaks HTTP.
                channel.pipeline().context(UpstreamChannelInitializer.HTTP).writeAndFlush(closeFrame(channel))
                        .addListener(f -> channel.close());
            } else {
                channel.close();
            }
        }
    }

    /**
     * A client's close frame with status 1000 (normal closure): FIN and opcode 8, then the mask bit and a
     * payload of 2 bytes, the masking key, and the status code masked with it (RFC 6455 section 5.2; a
     * client masks every frame, section 5.3).
     */
    static ByteBuf closeFrame(Channel channel) {
        byte[] mask = new byte[4];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(mask);
        ByteBuf frame = channel.alloc().buffer(8);
        frame.writeByte(0x88).writeByte(0x80 | 2).writeBytes(mask)
                .writeByte((1000 >> 8) ^ mask[0]).writeByte((1000 & 0xff) ^ mask[1]);
        return frame;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
