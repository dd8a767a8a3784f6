package dev.candor.client;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
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
 * One HTTP/1.1 exchange with one endpoint on a connection of its own, through the same pipeline and
 * failure classification as proxied traffic: what {@code candor doctor} sends when it bypasses the
 * proxy. Optionally keeps the connection idle afterwards and times when the endpoint closes it, which is
 * how an endpoint's keep-alive timeout is measured when it does not advertise one.
 */
public final class DirectExchange {
    private final Transport transport;
    private final UpstreamChannelInitializer initializer = new UpstreamChannelInitializer();

    public DirectExchange(Transport transport) {
        this.transport = requireNonNull(transport, "transport");
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
     */
    public record Outcome(long connectNanos, long headersNanos, long totalNanos, int status,
                          List<Map.Entry<String, String>> headers, String bodySha256, long bodyBytes,
                          Cause failure, long idleCloseNanos, boolean keepAlive) {

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

    /** Sends {@code request} to {@code address}; the future always succeeds with the outcome. */
    public Future<Outcome> send(EventLoop loop, InetSocketAddress address, Request request, Limits limits) {
        Promise<Outcome> promise = loop.newPromise();
        loop.execute(() -> new Run(loop, request, limits, promise).start(address));
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

        Run(EventLoop loop, Request request, Limits limits, Promise<Outcome> promise) {
            this.loop = loop;
            this.request = request;
            this.limits = limits;
            this.promise = promise;
        }

        void start(InetSocketAddress address) {
            ChannelFuture f = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, limits.connectMillis())))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(initializer)
                    .connect(address);
            channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    fail(FailureClassifier.connectFailure(done.cause()));
                    return;
                }
                connected = System.nanoTime() - start;
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
            });
        }

        @Override
        public void onResponseObject(HttpObject message) {
            try {
                if (message.decoderResult().isFailure()) {
                    fail(FailureClassifier.malformedResponse(message.decoderResult().cause(), phase));
                    return;
                }
                if (message instanceof HttpResponse response) {
                    if (response.status().code() < 200) {
                        return; // 1xx: the final response follows
                    }
                    headersAt = System.nanoTime() - start;
                    status = response.status().code();
                    response.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
                    keepAlive = HttpUtil.isKeepAlive(response);
                    phase = Phase.RECEIVE_BODY;
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

        @Override
        public void onUpstreamReadComplete() {
        }

        @Override
        public void onUpstreamWritabilityChanged(boolean writable) {
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
                    failure, idleCloseNanos, keepAlive));
            if (channel != null) {
                channel.close();
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
