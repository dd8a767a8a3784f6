package dev.candor.proxy;

import dev.candor.client.FailureClassifier;
import dev.candor.client.UpstreamConnection;
import dev.candor.client.UpstreamListener;
import dev.candor.client.UpstreamStream;
import dev.candor.config.TimeoutsConfig;
import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One mirrored copy of a request: takes a pooled stream to an endpoint of the mirror upstream, sends the
 * copy, reads the answer to its end and throws it away, and reports only a result for the metrics. Bounded
 * in time by the mirror upstream's {@code timeouts.response} (or a minute when that is off), so a copy that
 * hangs frees its place. Runs on one event loop; nothing here can reach the client.
 */
final class MirrorCopy implements UpstreamListener {
    private static final long FALLBACK_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Mirror mirror;
    private final ProxyContext context;
    private final Upstream upstream;
    private final Endpoint endpoint;
    private final HttpRequest request;
    private final EventLoop loop;
    private UpstreamStream stream;
    private ScheduledFuture<?> deadline;
    private int status;
    private boolean sent;
    private boolean done;
    /** The request has a body, which arrives through {@link #body}; false once its last piece came. */
    private boolean bodyPending;
    /** Body pieces that came before the stream did (at most {@link Mirror#MAX_BODY} bytes). */
    private final ArrayDeque<HttpContent> waiting = new ArrayDeque<>(2);

    MirrorCopy(Mirror mirror, ProxyContext context, Upstream upstream, Endpoint endpoint, HttpRequest request,
               EventLoop loop, boolean hasBody) {
        this.bodyPending = hasBody;
        this.mirror = mirror;
        this.context = context;
        this.upstream = upstream;
        this.endpoint = endpoint;
        this.request = request;
        this.loop = loop;
    }

    void start() {
        TimeoutsConfig t = upstream.config().timeouts();
        long timeout = t.response().isZero() ? FALLBACK_TIMEOUT_NANOS : t.connect().toNanos() + t.response().toNanos();
        deadline = loop.schedule(this::timedOut, timeout, TimeUnit.NANOSECONDS);
        Future<UpstreamConnection> f = context.pools().acquire(upstream, endpoint, loop, false);
        if (f.isDone()) {
            onAcquired(f);
        } else {
            f.addListener(done -> onAcquired(f));
        }
    }

    private void onAcquired(Future<UpstreamConnection> f) {
        if (done) {
            if (f.isSuccess()) {
                f.getNow().release();
            }
            return;
        }
        if (!f.isSuccess()) {
            finish(FailureClassifier.connectFailure(f.cause()).type().token());
            return;
        }
        stream = f.getNow();
        stream.lend(this);
        stream.write(request);
        if (!bodyPending && waiting.isEmpty()) {
            stream.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        for (HttpContent piece; (piece = waiting.poll()) != null; ) {
            stream.write(piece);
        }
        stream.flush();
        sent = true;
    }

    /** A piece of the request body, shared with the client's exchange; this copy releases it. */
    void body(HttpContent piece) {
        if (piece instanceof LastHttpContent) {
            bodyPending = false;
        }
        if (done) {
            piece.release();
        } else if (stream != null) {
            stream.write(piece);
            stream.flush();
        } else {
            waiting.add(piece);
        }
    }

    /** The client's exchange ended before all of its body came: a copy with half a body is not sent on. */
    void abandonIfIncomplete() {
        if (bodyPending && !done) {
            discard();
            finish("dropped");
        }
    }

    @Override
    public void onResponseObject(HttpObject message) {
        try {
            if (done) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                discard();
                finish(ErrorType.HTTP_PROTOCOL_ERROR.token());
                return;
            }
            if (message instanceof HttpResponse response) {
                status = response.status().code();
                if (status >= 200 && !HttpUtil.isKeepAlive(response)) {
                    status = -status; // not reusable: remembered by the sign
                }
            }
            if (message instanceof LastHttpContent && Math.abs(status) >= 200) {
                boolean reusable = status > 0;
                UpstreamStream s = stream;
                stream = null;
                if (reusable) {
                    s.release();
                } else {
                    s.discard();
                }
                finish(Math.abs(status) / 100 + "xx");
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void onUpstreamClosed() {
        stream = null;
        if (!done) {
            finish(status != 0 ? ErrorType.HTTP_RESPONSE_INCOMPLETE.token() : ErrorType.CONNECTION_TERMINATED.token());
        }
    }

    @Override
    public void onUpstreamException(Throwable cause) {
        if (!done) {
            discard();
            Phase phase = status != 0 ? Phase.RECEIVE_BODY : sent ? Phase.AWAIT_HEADERS : Phase.SEND;
            finish(FailureClassifier.connectionFailure(cause, phase).type().token());
        }
    }

    private void timedOut() {
        if (!done) {
            discard();
            finish(status != 0 ? ErrorType.CONNECTION_READ_TIMEOUT.token() : ErrorType.HTTP_RESPONSE_TIMEOUT.token());
        }
    }

    private void discard() {
        UpstreamStream s = stream;
        stream = null;
        if (s != null) {
            s.discard();
        }
    }

    private void finish(String result) {
        if (done) {
            return;
        }
        done = true;
        for (HttpContent piece; (piece = waiting.poll()) != null; ) {
            piece.release();
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        mirror.ended(context.metrics(), result);
    }
}
