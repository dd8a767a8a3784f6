package dev.candor.client;

import dev.candor.config.HealthCheckConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.ProbeRecord;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * One active health probe of an endpoint, over the same pipeline and with the same failure
 * classification as real traffic, so a probe and a request can never disagree about what an error is.
 * Each probe uses its own connection (closed afterwards): probes must not borrow or disturb pooled ones.
 */
public final class HealthProbe {
    private final Transport transport;
    private final UpstreamChannelInitializer initializer = new UpstreamChannelInitializer();
    private final UpstreamTlsContexts tls;
    private final Clock clock;

    public HealthProbe(Transport transport, Clock clock) {
        this(transport, clock, UpstreamTlsContexts.NONE);
    }

    /** Probes of upstreams with {@code tls} go through the same TLS handshake and checks as requests. */
    public HealthProbe(Transport transport, Clock clock, UpstreamTlsContexts tls) {
        this.transport = transport;
        this.clock = clock;
        this.tls = tls;
    }

    /** Probes {@code endpoint} as {@code check} says; the future always succeeds with the outcome. */
    public Future<ProbeRecord> probe(Endpoint endpoint, HealthCheckConfig check, EventLoop loop) {
        Promise<ProbeRecord> promise = loop.newPromise();
        long start = System.nanoTime();
        long timeoutMillis = Math.max(1, check.timeout().toMillis());
        ChannelFuture connected = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(initializer(endpoint, timeoutMillis))
                .connect(endpoint.socketAddress());
        Channel ch = connected.channel();
        boolean[] handshaken = {false};
        ScheduledFuture<?> timer = loop.schedule(() -> {
            Phase phase = !connected.isSuccess() ? Phase.CONNECT : handshaken[0] ? Phase.AWAIT_HEADERS : Phase.TLS;
            ErrorType type = new Cause(phase, Actor.PROXY, Signal.TIMED_OUT, null).type();
            if (finish(promise, start, false, type, "no answer within " + timeoutMillis + "ms (health_check.timeout)")) {
                ch.close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        promise.addListener(f -> timer.cancel(false));
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                Cause cause = FailureClassifier.connectFailure(f.cause());
                finish(promise, start, false, cause.type(), FailureClassifier.describe(f.cause()));
                return;
            }
            UpstreamTls.handshake(ch, System.nanoTime() - start).addListener(h -> {
                if (!h.isSuccess()) {
                    Cause cause = FailureClassifier.connectFailure(h.cause());
                    finish(promise, start, false, cause.type(), "TLS handshake failed: " + cause.error());
                    ch.close();
                    return;
                }
                handshaken[0] = true;
                send(ch, endpoint, check, promise, start);
            });
        });
        return promise;
    }

    private UpstreamChannelInitializer initializer(Endpoint endpoint, long handshakeTimeoutMillis) {
        UpstreamTls t = tls.forUpstream(endpoint.upstream());
        return t == null ? initializer : new UpstreamChannelInitializer(t, endpoint, handshakeTimeoutMillis);
    }

    /** After connecting (and the TLS handshake): a TCP check is done; an HTTP check sends its request. */
    private void send(Channel ch, Endpoint endpoint, HealthCheckConfig check, Promise<ProbeRecord> promise, long start) {
        if (check.mode() == HealthCheckConfig.Mode.TCP) {
            finish(promise, start, true, null, "connected");
            ch.close();
            return;
        }
        ch.pipeline().get(UpstreamHandler.class).bind(new ProbeListener(ch, promise, start, check));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
        request.headers()
                .set(HttpHeaderNames.HOST, check.host() != null ? check.host() : endpoint.address().toString())
                .set(HttpHeaderNames.USER_AGENT, "candor-health-check")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ch.writeAndFlush(request);
    }

    private boolean finish(Promise<ProbeRecord> promise, long startNanos, boolean ok, ErrorType error, String detail) {
        return promise.trySuccess(new ProbeRecord(clock.instant(), ok, error, detail, System.nanoTime() - startNanos));
    }

    /** Reads the probe's response head, judges it, and closes. */
    private final class ProbeListener implements UpstreamListener {
        private final Channel ch;
        private final Promise<ProbeRecord> promise;
        private final long start;
        private final HealthCheckConfig check;

        ProbeListener(Channel ch, Promise<ProbeRecord> promise, long start, HealthCheckConfig check) {
            this.ch = ch;
            this.promise = promise;
            this.start = start;
            this.check = check;
        }

        @Override
        public void onResponseObject(HttpObject message) {
            try {
                if (message instanceof HttpResponse response) {
                    if (response.decoderResult().isFailure()) {
                        Cause c = FailureClassifier.malformedResponse(response.decoderResult().cause(), Phase.AWAIT_HEADERS);
                        finish(promise, start, false, c.type(), FailureClassifier.describe(response.decoderResult().cause()));
                    } else if (response.status().code() >= 200) {
                        int code = response.status().code();
                        boolean ok = check.passes(code);
                        finish(promise, start, ok, null, "status " + code + (ok ? "" : ", expected "
                                + check.expectStatusFrom() + "-" + check.expectStatusTo()));
                    }
                }
                if (message instanceof LastHttpContent && promise.isDone()) {
                    ch.close();
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }


        @Override
        public void onUpstreamClosed() {
            finish(promise, start, false, ErrorType.CONNECTION_TERMINATED, "closed before a response header");
        }

        @Override
        public void onUpstreamException(Throwable cause) {
            Cause c = FailureClassifier.connectionFailure(cause, Phase.AWAIT_HEADERS);
            finish(promise, start, false, c.type(), FailureClassifier.describe(cause));
        }
    }
}
