package dev.candor.proxy;

import dev.candor.client.FailureClassifier;
import dev.candor.client.UpstreamConnection;
import dev.candor.client.UpstreamListener;
import dev.candor.config.LimitsConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.failure.ErrorType;
import dev.candor.observe.AccessLogEntry;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One request from a client, carried to an upstream and its response carried back, streaming both ways:
 * a body chunk is read from one side only when the other side can take it. Everything happens on the
 * client connection's event loop, which is also the upstream connection's, so there are no locks.
 *
 * <p>The lifecycle is: check the head → route → pick an endpoint → get a pooled connection → send the head
 * → stream the body → wait for the response head (timeouts.response) → stream the body back
 * (timeouts.idle) → give the connection back → one access-log line. A failure before any response byte
 * becomes a local reply; a failure after it cuts the client connection so the client can tell.
 */
final class Exchange implements UpstreamListener {
    private final ProxyHandler owner;
    private final ChannelHandlerContext ctx;
    private final ProxyContext context;
    private final HttpRequest request;
    private final LimitsConfig limits;
    private final long startNanos = System.nanoTime();
    private final Instant startTime = Instant.now();
    private final String clientIp;
    private final String method;
    private final String uri;
    private final boolean http10;
    private final boolean headRequest;

    private String requestId;
    private String hostHeader;
    private String accept;
    private boolean requestHasBody;
    private boolean clientKeepAlive;
    private boolean expectContinue;

    private Route route;
    private Upstream upstream;
    private Endpoint endpoint;
    private UpstreamConnection connection;
    private TimeoutsConfig timeouts;
    private int attempts;
    private long connectNanos = -1;
    private long ttfbNanos = -1;

    private long requestBodyBytes;
    private long bytesSent;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean finished;
    private boolean closeClient;
    private boolean reuseConnection;
    private boolean skippingInformational;
    private boolean downstreamReadPaused;
    private boolean upstreamReadPaused;

    private int status;
    private Integer upstreamStatus;
    private ErrorType error;
    private String errorDetail;

    private ScheduledFuture<?> responseTimer;
    private ScheduledFuture<?> idleTimer;
    private long lastActivityNanos;

    Exchange(ProxyHandler owner, ChannelHandlerContext ctx, ProxyContext context, HttpRequest request, String clientIp) {
        this.owner = owner;
        this.ctx = ctx;
        this.context = context;
        this.request = request;
        this.limits = context.limits();
        this.clientIp = clientIp;
        this.method = request.method().name();
        this.uri = request.uri();
        this.http10 = request.protocolVersion().minorVersion() == 0;
        this.headRequest = request.method() == HttpMethod.HEAD;
    }

    boolean isRequestComplete() {
        return requestComplete;
    }

    // ---- request side -------------------------------------------------------------------------

    void start() {
        HttpHeaders headers = request.headers();
        requestId = RequestIds.choose(headers.get(HeaderRules.X_REQUEST_ID));
        accept = headers.get(HttpHeaderNames.ACCEPT);
        clientKeepAlive = HttpUtil.isKeepAlive(request) && !limits.clientIdleTimeout().isZero();
        Object checked = RequestCheck.check(request, limits.maxUriLength(), limits.maxBodySize());
        if (checked instanceof RequestCheck.Rejection r) {
            requestHasBody = true; // framing is unknown: never keep the connection after a rejected head
            closeClient = r.close();
            fail(ErrorType.HTTP_REQUEST_ERROR, r.status(), r.reason(), r.reason());
            return;
        }
        RequestCheck.Target target = (RequestCheck.Target) checked;
        hostHeader = target.hostHeader();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        requestHasBody = chunked || HttpUtil.getContentLength(request, 0L) > 0;

        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && !http10) { // RFC 9110 §10.1.1: ignore Expect in HTTP/1.0
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
                closeClient = requestHasBody;
                fail(ErrorType.HTTP_REQUEST_ERROR, HttpResponseStatus.EXPECTATION_FAILED,
                        "unsupported expectation", "unsupported expectation '" + expect + "'");
                return;
            }
            expectContinue = requestHasBody;
        }

        route = context.router().match(target.host(), target.path(), request.method());
        if (route == null) {
            String detail = "no route matches host '" + target.host() + "', path '" + target.path() + "', method " + method;
            fail(ErrorType.DESTINATION_NOT_FOUND, HttpResponseStatus.NOT_FOUND, detail, "no route matches this request");
            return;
        }
        upstream = context.upstreams().get(route.upstream());
        timeouts = upstream.config().timeouts();
        HeaderRules.forwardRequest(headers, clientIp, "http", hostHeader, requestId, chunked);
        // An intermediary sends its own version (RFC 9110 §2.5).
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        connect();
    }

    private void connect() {
        endpoint = upstream.pick();
        if (endpoint == null) {
            fail(ErrorType.DESTINATION_UNAVAILABLE, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "upstream '" + upstream.name() + "' has no endpoint", ErrorType.DESTINATION_UNAVAILABLE.summary());
            return;
        }
        attempts++;
        Future<UpstreamConnection> f = context.pools().acquire(upstream, endpoint, ctx.channel().eventLoop(), false);
        if (f.isDone()) {
            onConnection(f);
        } else {
            f.addListener(done -> onConnection(f));
        }
    }

    private void onConnection(Future<UpstreamConnection> f) {
        if (!f.isSuccess()) {
            if (!finished) {
                Throwable cause = f.cause();
                ErrorType type = FailureClassifier.connectFailure(cause).type();
                fail(type, HttpResponseStatus.valueOf(type.status()),
                        "connect to " + endpoint.label() + " failed: " + describe(cause), type.summary());
            }
            return;
        }
        UpstreamConnection c = f.getNow();
        if (finished) {
            c.release(); // the client left while we connected; the connection is clean
            return;
        }
        connection = c;
        c.lend(this);
        if (!c.isReused()) {
            connectNanos = c.connectNanos();
        }
        Channel up = c.channel();
        touch();
        up.writeAndFlush(request, up.voidPromise());
        if (expectContinue) {
            FullHttpResponse cont = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
            ctx.writeAndFlush(cont, ctx.voidPromise());
        }
        up.read();
        ctx.read();
        startIdleTimer();
    }

    /** A body chunk (or the end of the body) from the client. */
    void onRequestContent(HttpContent content) {
        if (finished || connection == null) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            closeClient = true;
            RequestCheck.Rejection r = RequestCheck.decoderFailure(cause, false);
            if (responseStarted) {
                abortResponse(null, "client sent a malformed body: " + r.reason());
            } else {
                fail(ErrorType.HTTP_REQUEST_ERROR, r.status(), r.reason(), r.reason());
            }
            return;
        }
        requestBodyBytes += content.content().readableBytes();
        long max = limits.maxBodySize();
        if (max > 0 && requestBodyBytes > max) {
            content.release();
            closeClient = true;
            String reason = "request body exceeds limits.max_body_size (" + max + " bytes)";
            if (responseStarted) {
                abortResponse(null, reason);
            } else {
                fail(ErrorType.HTTP_REQUEST_ERROR, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, reason, reason);
            }
            return;
        }
        touch();
        Channel up = connection.channel();
        if (content instanceof LastHttpContent) {
            requestComplete = true;
            up.writeAndFlush(content, up.voidPromise());
            if (!responseStarted) {
                startResponseTimer();
            }
            return;
        }
        up.writeAndFlush(content, up.voidPromise());
        if (up.isWritable()) {
            ctx.read();
        } else {
            downstreamReadPaused = true;
        }
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        if (writable && downstreamReadPaused && !finished) {
            downstreamReadPaused = false;
            ctx.read();
        }
    }

    /** The client connection can take more: resume reading the upstream if we had stopped. */
    void onDownstreamWritable() {
        if (upstreamReadPaused && connection != null && !finished) {
            upstreamReadPaused = false;
            connection.channel().read();
        }
    }

    // ---- response side ------------------------------------------------------------------------

    @Override
    public void onResponseObject(HttpObject message) {
        if (finished) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response) {
            if (message.decoderResult().isFailure()) {
                ReferenceCountUtil.release(message);
                upstreamMalformed(message.decoderResult().cause());
                return;
            }
            onResponseHead(response);
        } else if (message instanceof HttpContent content) {
            onResponseContent(content);
        }
    }

    private void onResponseHead(HttpResponse response) {
        int code = response.status().code();
        if (code < 200) {
            if (code == 101) {
                upstreamMalformed(new IllegalStateException("101 Switching Protocols without an upgrade request"));
                return;
            }
            // Interim responses are not relayed: Candor answers 100-continue itself.
            skippingInformational = true;
            return;
        }
        cancel(responseTimer);
        ttfbNanos = System.nanoTime() - startNanos;
        upstreamStatus = code;
        status = code;
        responseStarted = true;
        touch();
        reuseConnection = HttpUtil.isKeepAlive(response);
        boolean chunkedUpstream = HttpUtil.isTransferEncodingChunked(response);
        HttpHeaders h = response.headers();
        HeaderRules.forwardResponse(h, requestId);
        if (!requestComplete || !clientKeepAlive || context.isDraining()) {
            // A body still arriving from the client will not be read: the connection cannot be reused.
            closeClient = true;
        }
        boolean bodyless = headRequest || code == 204 || code == 304;
        if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10) {
                closeClient = true; // HTTP/1.0 has no chunking: the end of the body is the close
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else if (headRequest && chunkedUpstream && !http10) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (closeClient) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (response instanceof LastHttpContent full) {
            // The decoder emits heads and bodies apart; a whole message only if a handler aggregated it.
            bytesSent += full.content().readableBytes();
            responseComplete = true;
            cancel(idleTimer);
            finishConnection();
            ctx.writeAndFlush(response).addListener(f -> complete());
            return;
        }
        ctx.write(response, ctx.voidPromise());
    }

    private void onResponseContent(HttpContent content) {
        if (skippingInformational) {
            if (content instanceof LastHttpContent) {
                skippingInformational = false;
            }
            content.release();
            return;
        }
        if (!responseStarted) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            ErrorType type = cause instanceof PrematureChannelClosureException
                    ? ErrorType.HTTP_RESPONSE_INCOMPLETE : ErrorType.HTTP_PROTOCOL_ERROR;
            abortResponse(type, "upstream response body broke off: " + describe(cause));
            return;
        }
        touch();
        bytesSent += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            responseComplete = true;
            cancel(idleTimer);
            finishConnection();
            ctx.writeAndFlush(content).addListener(f -> complete());
            return;
        }
        ctx.write(content, ctx.voidPromise());
    }

    @Override
    public void onUpstreamReadComplete() {
        if (finished || responseComplete) {
            return;
        }
        ctx.flush();
        if (connection == null) {
            return;
        }
        if (ctx.channel().isWritable()) {
            connection.channel().read();
        } else {
            upstreamReadPaused = true;
        }
    }

    @Override
    public void onUpstreamClosed() {
        connection = null;
        if (finished || responseComplete) {
            return;
        }
        if (!responseStarted) {
            fail(ErrorType.CONNECTION_TERMINATED, HttpResponseStatus.BAD_GATEWAY,
                    endpoint.label() + " closed the connection before a complete response header",
                    ErrorType.CONNECTION_TERMINATED.summary());
        } else {
            abortResponse(ErrorType.HTTP_RESPONSE_INCOMPLETE,
                    endpoint.label() + " closed the connection after " + bytesSent + " body bytes");
        }
    }

    @Override
    public void onUpstreamException(Throwable cause) {
        if (finished || responseComplete) {
            return;
        }
        discardConnection();
        if (!responseStarted) {
            fail(ErrorType.CONNECTION_TERMINATED, HttpResponseStatus.BAD_GATEWAY,
                    "connection to " + endpoint.label() + " failed: " + describe(cause),
                    ErrorType.CONNECTION_TERMINATED.summary());
        } else {
            abortResponse(ErrorType.HTTP_RESPONSE_INCOMPLETE,
                    "connection to " + endpoint.label() + " failed mid-body: " + describe(cause));
        }
    }

    private void upstreamMalformed(Throwable cause) {
        ErrorType type = cause instanceof TooLongHttpHeaderException
                ? ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE : ErrorType.HTTP_PROTOCOL_ERROR;
        if (responseStarted) {
            abortResponse(type, "malformed response from " + endpoint.label() + ": " + describe(cause));
        } else {
            fail(type, HttpResponseStatus.BAD_GATEWAY,
                    "malformed response from " + endpoint.label() + ": " + describe(cause), type.summary());
        }
    }

    /** The client connection closed: whatever is in flight is abandoned. */
    void onClientClosed() {
        if (finished) {
            return;
        }
        if (!responseComplete) {
            status = 499; // nginx's "client closed request"; not a Candor error
        }
        finished = true;
        cancelTimers();
        discardConnection();
        log();
    }

    // ---- timeouts -----------------------------------------------------------------------------

    private void startResponseTimer() {
        long nanos = timeouts.response().toNanos();
        if (nanos > 0) {
            responseTimer = ctx.executor().schedule(this::responseTimedOut, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void responseTimedOut() {
        if (!finished && !responseStarted) {
            fail(ErrorType.HTTP_RESPONSE_TIMEOUT, HttpResponseStatus.GATEWAY_TIMEOUT,
                    endpoint.label() + " sent no response header within timeouts.response ("
                            + timeouts.response().toMillis() + "ms)", ErrorType.HTTP_RESPONSE_TIMEOUT.summary());
        }
    }

    private void startIdleTimer() {
        long nanos = timeouts.idle().toNanos();
        if (nanos > 0) {
            idleTimer = ctx.executor().schedule(this::idleCheck, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Runs at most once per idle period and re-arms itself, so streaming costs no timer per chunk. */
    private void idleCheck() {
        if (finished || responseComplete) {
            return;
        }
        long idle = timeouts.idle().toNanos();
        long silent = System.nanoTime() - lastActivityNanos;
        if (silent < idle || (requestComplete && !responseStarted)) {
            // Still moving, or waiting for the response head, which timeouts.response governs.
            long next = silent < idle ? idle - silent : idle;
            idleTimer = ctx.executor().schedule(this::idleCheck, next, TimeUnit.NANOSECONDS);
            return;
        }
        if (responseStarted) {
            if (upstreamReadPaused) {
                abortResponse(null, "client read nothing for timeouts.idle (" + timeouts.idle().toMillis() + "ms)");
            } else {
                abortResponse(ErrorType.CONNECTION_READ_TIMEOUT, endpoint.label() + " sent nothing for timeouts.idle ("
                        + timeouts.idle().toMillis() + "ms) in the middle of the response body");
            }
        } else {
            closeClient = true;
            String reason = "request body stalled for timeouts.idle (" + timeouts.idle().toMillis() + "ms)";
            fail(ErrorType.HTTP_REQUEST_ERROR, HttpResponseStatus.REQUEST_TIMEOUT, reason, reason);
        }
    }

    private void cancelTimers() {
        cancel(responseTimer);
        cancel(idleTimer);
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // ---- endings ------------------------------------------------------------------------------

    /**
     * Ends the exchange with a reply Candor makes itself, before any response byte was sent.
     *
     * @param logDetail what the access log records (may name backends)
     * @param publicDetail what the client is told
     */
    private void fail(ErrorType type, HttpResponseStatus replyStatus, String logDetail, String publicDetail) {
        if (finished) {
            return;
        }
        error = type;
        errorDetail = logDetail;
        status = replyStatus.code();
        cancelTimers();
        discardConnection();
        if ((!requestComplete && requestHasBody) || !clientKeepAlive || context.isDraining()) {
            closeClient = true;
        }
        FullHttpResponse reply = LocalReply.build(ctx.alloc(), replyStatus, type, publicDetail, requestId, accept, closeClient);
        bytesSent = reply.content().readableBytes();
        responseStarted = true;
        responseComplete = true;
        ctx.writeAndFlush(reply).addListener(f -> complete());
    }

    /** Ends the exchange after response bytes went out: the client connection is cut, never ended cleanly. */
    private void abortResponse(ErrorType type, String detail) {
        if (finished) {
            return;
        }
        finished = true;
        error = type;
        errorDetail = detail;
        cancelTimers();
        discardConnection();
        log();
        ctx.flush();
        ctx.close();
        owner.exchangeAborted(this);
    }

    private void complete() {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        log();
        owner.exchangeDone(this, !closeClient);
    }

    /** Gives the upstream connection back when it ended cleanly, else closes it. */
    private void finishConnection() {
        UpstreamConnection c = connection;
        connection = null;
        if (c == null) {
            return;
        }
        if (reuseConnection && requestComplete) {
            c.release();
        } else {
            c.discard();
        }
    }

    private void discardConnection() {
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            c.discard();
        }
    }

    private void log() {
        double durationMs = (System.nanoTime() - startNanos) / 1e6;
        context.accessLog().log(new AccessLogEntry(
                startTime, requestId, clientIp, method, hostHeader, uri,
                http10 ? "HTTP/1.0" : "HTTP/1.1", status, bytesSent, durationMs,
                route == null ? null : route.name(),
                upstream == null ? null : upstream.name(),
                endpoint == null ? null : endpoint.label(),
                attempts, upstreamStatus,
                error == null ? null : error.token(), errorDetail,
                connectNanos < 0 ? null : connectNanos / 1e6,
                ttfbNanos < 0 ? null : ttfbNanos / 1e6,
                null));
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
