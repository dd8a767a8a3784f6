package dev.candor.proxy;

import dev.candor.client.FailureClassifier;
import dev.candor.client.UpstreamConnection;
import dev.candor.config.LimitsConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ConnectionFacts;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.Trace;
import dev.candor.observe.TraceEvent;
import dev.candor.upstream.DnsFailure;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One request from a client, carried to an upstream and its response carried back, streaming both ways:
 * a body chunk is read from one side only when the other side can take it. Everything happens on the
 * client connection's event loop, which is also the upstream connection's, so there are no locks.
 *
 * <p>Check the head → route → for each {@link Attempt}: pick an endpoint, get a pooled connection, send
 * the head, stream the body → wait for the response head ({@code timeouts.response}) → stream it back
 * ({@code timeouts.idle}) → give the connection back → one access-log line. A failed attempt is retried
 * only when {@link RetryPolicy} says it is safe; otherwise a failure before any response byte becomes a
 * local reply, and a failure after it cuts the client connection so the client can tell.
 */
final class Exchange {
    private final ProxyHandler owner;
    private final ChannelHandlerContext ctx;
    private final ProxyContext context;
    private final HttpRequest request;
    private final LimitsConfig limits;
    private final Trace trace = Trace.start();
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
    private boolean continueSent;

    private Route route;
    private Upstream upstream;
    private TimeoutsConfig timeouts;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private Attempt current;
    private int transparentRetries;
    private int retries;
    private CharSequence hashKey;
    private HttpContent pendingContent;
    private boolean awaitingBodyEnd;

    private long bodyBytesRead;
    private long bodyBytesForwarded;
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
    private boolean requestFlushPending;

    private int status;
    private Integer upstreamStatus;
    private Cause failure;
    private String failureDetail;
    private String limitHit;

    private final ExchangeDeadlines deadlines = new ExchangeDeadlines();

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
        trace.add(TraceEvent.REQUEST_RECEIVED);
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
            clientFault(r.status(), r.reason());
            return;
        }
        RequestCheck.Target target = (RequestCheck.Target) checked;
        hostHeader = target.hostHeader();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        requestHasBody = chunked || HttpUtil.getContentLength(request, 0L) > 0;

        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && !http10) { // RFC 9110 §10.1.1: Expect is ignored in HTTP/1.0
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
                closeClient = requestHasBody;
                clientFault(HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation '" + expect + "'");
                return;
            }
            expectContinue = requestHasBody;
        }

        route = context.router().match(target.host(), target.path(), request.method());
        if (route == null) {
            failLocal(new Cause(Phase.ROUTE, Actor.PROXY, Signal.NO_ROUTE, null), HttpResponseStatus.NOT_FOUND,
                    "no route matches host '" + target.host() + "', path '" + target.path() + "', method " + method);
            return;
        }
        trace.add(TraceEvent.ROUTED, route.name());
        upstream = context.upstreams().get(route.upstream());
        timeouts = upstream.config().timeouts();
        upstream.retryBudget().requestStarted();
        hashKey = HashKeys.of(upstream.config().balancer(), headers, clientIp);
        HeaderRules.forwardRequest(headers, clientIp, owner.scheme(), hostHeader, requestId, chunked);
        // An intermediary sends its own version (RFC 9110 §2.5).
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (requestHasBody) {
            newAttempt(false);
        } else {
            // The decoder has the (empty) end of this request right behind its head: take it first, so
            // head and end reach the upstream in one write.
            awaitingBodyEnd = true;
            owner.resumeReading();
        }
    }

    /** Starts an attempt; a transparent one retries the same endpoint on a fresh connection. */
    private void newAttempt(boolean transparent) {
        Endpoint endpoint = transparent ? current.endpoint : upstream.select(triedEndpoints(), hashKey);
        if (endpoint == null) {
            DnsFailure dns = upstream.dnsFailure();
            if (dns != null) {
                Cause cause = new Cause(Phase.RESOLVE, Actor.NETWORK, dns.signal(), dns.rcode());
                failLocal(cause, HttpResponseStatus.valueOf(cause.type().status()),
                        "upstream '" + upstream.name() + "' has no address to send to: " + dns.detail());
                return;
            }
            failLocal(new Cause(Phase.SELECT, Actor.PROXY, Signal.NO_ENDPOINT, null), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "no usable endpoint in upstream '" + upstream.name() + "': " + upstream.unavailableReasons());
            return;
        }
        startAttempt(endpoint, transparent);
    }

    private void startAttempt(Endpoint endpoint, boolean transparent) {
        Attempt a = new Attempt(this, attempts.size() + 1, endpoint, transparent, trace.elapsedNanos());
        attempts.add(a);
        current = a;
        trace.add(TraceEvent.ENDPOINT_PICKED, endpoint.label());
        endpoint.health().requestStarted();
        Future<UpstreamConnection> f = context.pools().acquire(upstream, endpoint, ctx.channel().eventLoop(), transparent);
        if (f.isDone()) {
            onAcquired(a, f);
            return;
        }
        // Waiting for a connection: bounded per upstream, so a slow upstream cannot pile up requests.
        int maxPending = upstream.config().pool().maxPending();
        if (upstream.pending().incrementAndGet() > maxPending && maxPending > 0) {
            upstream.pending().decrementAndGet();
            f.cancel(false);
            trace.add(TraceEvent.POOL_WAIT, "over_max_pending");
            attemptFailed(a, new Cause(Phase.QUEUE, Actor.PROXY, Signal.POOL_FULL, "max_pending reached"),
                    "too many requests of upstream '" + upstream.name() + "' already wait for a connection",
                    maxPending + " waiting requests = pool.max_pending");
            return;
        }
        trace.add(TraceEvent.POOL_WAIT);
        f.addListener(done -> {
            upstream.pending().decrementAndGet();
            onAcquired(a, f);
        });
    }

    /**
     * Starts a configured retry when another endpoint can take it and the upstream's retry budget allows;
     * returns null then, else why it did not.
     */
    private String retryOnAnotherEndpoint(String why) {
        Endpoint next = upstream.select(triedEndpoints(), hashKey);
        if (next == null) {
            return "no other endpoint of upstream '" + upstream.name() + "' can take it";
        }
        if (!upstream.retryBudget().tryAcquireRetry()) {
            trace.add(TraceEvent.RETRY, "denied_by_budget");
            return "the retry budget (retries.budget_percent " + upstream.config().retries().budgetPercent() + ") is spent";
        }
        retries++;
        trace.add(TraceEvent.RETRY, why);
        startAttempt(next, false);
        return null;
    }

    private List<Endpoint> triedEndpoints() {
        if (attempts.isEmpty()) {
            return List.of();
        }
        List<Endpoint> tried = new ArrayList<>(attempts.size());
        for (Attempt a : attempts) {
            tried.add(a.endpoint);
        }
        return tried;
    }

    /** Feeds an attempt's outcome to passive health once: {@code null} cause = the upstream answered fine. */
    private void judge(Attempt a, Cause cause, boolean upstream5xx) {
        if (a.judged) {
            return;
        }
        a.judged = true;
        if (upstream5xx) {
            upstream.outliers().failure(a.endpoint.health(), null, true);
        } else if (cause == null) {
            upstream.outliers().success(a.endpoint.health());
        } else if (cause.actor() != Actor.CLIENT) {
            a.endpoint.health().recordError(cause.type());
            upstream.outliers().failure(a.endpoint.health(), cause.type(), false);
        }
    }

    /** The attempt no longer occupies its endpoint (least_request counts in-flight attempts). */
    private void leave(Attempt a) {
        if (!a.left) {
            a.left = true;
            a.endpoint.health().requestFinished();
        }
    }

    private void onAcquired(Attempt a, Future<UpstreamConnection> f) {
        if (a != current || finished) {
            if (f.isSuccess()) {
                f.getNow().release(); // unused and clean
            }
            return;
        }
        if (f.isCancelled()) {
            return;
        }
        if (!f.isSuccess()) {
            a.connectFailed(f.cause());
            Cause cause = FailureClassifier.connectFailure(f.cause());
            trace.add(TraceEvent.CONNECT_FAILED, cause.signal().name());
            connectFailed(a, cause);
            return;
        }
        UpstreamConnection c = f.getNow();
        a.bind(c, trace.elapsedNanos());
        if (a.reused) {
            trace.add(TraceEvent.CONNECTION_REUSED); // the attempt keeps idle time and use count
        } else {
            trace.add(TraceEvent.CONNECTION_NEW, a.address);
        }
        Channel up = c.channel();
        ChannelFuture head = up.write(request);
        if (requestComplete) {
            // A request without body (its end was already read), or a retry of one whose empty body end
            // the previous attempt consumed: head and end leave in one write.
            up.write(LastHttpContent.EMPTY_LAST_CONTENT, up.voidPromise());
        }
        up.flush();
        head.addListener(w -> onHeadWritten(a, (ChannelFuture) w));
    }

    private void connectFailed(Attempt a, Cause cause) {
        FailureTexts.Text t = FailureTexts.connect(cause, a.endpoint.label(), timeouts, upstream.config().pool());
        attemptFailed(a, cause, t.detail(), t.limit());
    }

    private void onHeadWritten(Attempt a, ChannelFuture write) {
        if (a != current || finished || a.cause != null) {
            return;
        }
        if (!write.isSuccess()) {
            Cause cause = FailureClassifier.connectionFailure(write.cause(), Phase.SEND);
            trace.add(TraceEvent.UPSTREAM_RESET, "write");
            a.closedBy = Actor.UPSTREAM;
            attemptFailed(a, cause, "writing the request to " + a.endpoint.label() + " failed: " + cause.error(), null);
            return;
        }
        a.headWritten = true;
        a.sentNanos = trace.elapsedNanos();
        trace.add(TraceEvent.REQUEST_SENT);
        touch();
        if (expectContinue && !continueSent) {
            continueSent = true;
            FullHttpResponse cont = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
            ctx.writeAndFlush(cont, ctx.voidPromise());
        }
        // timeouts.idle holds from the head being sent until the response ends
        deadlines.enforceIdle(timeouts.idle().toNanos(), System.nanoTime());
        if (pendingContent != null) {
            HttpContent c = pendingContent;
            pendingContent = null;
            forwardContent(c);
        }
        if (!requestComplete) {
            owner.resumeReading(); // the body chunks that waited for the connection, then the rest
        } else if (!responseStarted) {
            armResponseDeadline();
        }
    }

    /** A body chunk (or the end of the body) from the client. */
    void onRequestContent(HttpContent content) {
        if (finished) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            closeClient = true;
            RequestCheck.Rejection r = RequestCheck.decoderFailure(cause, false);
            if (responseStarted) {
                cut(null, "client sent a malformed body: " + r.reason());
            } else {
                clientFault(r.status(), r.reason());
            }
            return;
        }
        bodyBytesRead += content.content().readableBytes();
        long max = limits.maxBodySize();
        if (max > 0 && bodyBytesRead > max) {
            content.release();
            closeClient = true;
            String reason = "request body exceeds limits.max_body_size (" + max + " bytes)";
            if (responseStarted) {
                cut(null, reason);
            } else {
                clientFault(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, reason);
            }
            return;
        }
        touch();
        if (awaitingBodyEnd && content instanceof LastHttpContent) {
            awaitingBodyEnd = false;
            content.release();
            requestComplete = true;
            newAttempt(false);
            return;
        }
        if (current == null || current.connection == null || !current.headWritten) {
            // Read while the next attempt is connecting; sent once its head is written.
            pendingContent = content;
            return;
        }
        forwardContent(content);
    }

    private void forwardContent(HttpContent content) {
        Channel up = current.connection.channel();
        bodyBytesForwarded += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            requestComplete = true;
            up.writeAndFlush(content, up.voidPromise());
            trace.add(TraceEvent.REQUEST_BODY_SENT);
            if (!responseStarted) {
                armResponseDeadline();
            }
            return;
        }
        // Flushed at the end of the client's read cycle (flushRequestBody), so the chunks of one read
        // leave in one system call; at once when the upstream connection is full.
        up.write(content, up.voidPromise());
        if (up.isWritable()) {
            requestFlushPending = true;
        } else {
            // Pause before flushing: the flush may drain the connection at once and resume us.
            requestFlushPending = false;
            downstreamReadPaused = true; // the client's next chunks wait in the handler's inbox
            up.flush();
        }
    }

    /** Sends the body chunks written since the last flush; called when a read cycle of the client ends. */
    void flushRequestBody() {
        if (requestFlushPending) {
            requestFlushPending = false;
            if (current != null && current.connection != null) {
                current.connection.channel().flush();
            }
        }
    }

    /** True while the exchange is ready for the next piece of the request body. */
    boolean wantsRequestBody() {
        return awaitingBodyEnd || (!finished && !requestComplete && pendingContent == null && !downstreamReadPaused
                && current != null && current.connection != null && current.headWritten);
    }

    void onUpstreamWritabilityChanged(Attempt a, boolean writable) {
        if (a == current && writable && downstreamReadPaused && !finished) {
            downstreamReadPaused = false;
            owner.resumeReading();
        }
    }

    /** The client connection can take more: resume reading the upstream if we had stopped. */
    void onDownstreamWritable() {
        if (upstreamReadPaused && current != null && current.connection != null && !finished) {
            upstreamReadPaused = false;
            current.connection.channel().config().setAutoRead(true);
        }
    }

    // ---- response side ------------------------------------------------------------------------

    void onResponseObject(Attempt a, HttpObject message) {
        if (a != current || finished) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response) {
            if (message.decoderResult().isFailure()) {
                ReferenceCountUtil.release(message);
                Cause cause = FailureClassifier.malformedResponse(message.decoderResult().cause(), phaseOf(a));
                trace.add(TraceEvent.UPSTREAM_MALFORMED);
                String limit = cause.signal() == Signal.HEADER_TOO_LARGE
                        ? "response header section > " + dev.candor.client.UpstreamLimits.MAX_RESPONSE_HEADER_SIZE / 1024 + " KiB limit" : null;
                attemptFailed(a, cause, "malformed response from " + a.endpoint.label() + ": " + cause.error(), limit);
                return;
            }
            onResponseHead(a, response);
        } else if (message instanceof HttpContent content) {
            onResponseContent(a, content);
        }
    }

    private void onResponseHead(Attempt a, HttpResponse response) {
        int code = response.status().code();
        if (code < 200) {
            if (code == 101) {
                attemptFailed(a, new Cause(phaseOf(a), Actor.UPSTREAM, Signal.MALFORMED, "101 without an upgrade request"),
                        a.endpoint.label() + " switched protocols without being asked", null);
                return;
            }
            // Interim responses are not relayed: Candor answers 100-continue itself.
            skippingInformational = true;
            return;
        }
        deadlines.responseArrived();
        a.firstByteNanos = trace.elapsedNanos();
        a.status = code;
        trace.add(TraceEvent.RESPONSE_HEADERS, response.status().codeAsText().toString());
        boolean upstream5xx = code >= 500;
        judge(a, null, upstream5xx);
        Endpoint next;
        if ((code == 502 || code == 503 || code == 504)
                && RetryPolicy.retry5xx(upstream.config().retries(), request.method(), bodyBytesForwarded > 0, retries)
                && (next = upstream.select(triedEndpoints(), hashKey)) != null
                && upstream.retryBudget().tryAcquireRetry()) {
            // Nothing reached the client yet: drop this answer and ask another endpoint.
            a.detail = a.endpoint.label() + " answered " + code;
            a.endedNanos = trace.elapsedNanos();
            leave(a);
            UpstreamConnection c = a.takeConnection();
            if (c != null) {
                c.discard();
            }
            retries++;
            trace.add(TraceEvent.RETRY, "status_" + code);
            startAttempt(next, false);
            return;
        }
        upstreamStatus = code;
        status = code;
        responseStarted = true;
        String keepAlive = response.headers().get(HttpHeaderNames.KEEP_ALIVE);
        if (keepAlive != null && a.connection != null) {
            a.connection.observeKeepAlive(keepAlive);
        }
        touch();
        // A body still arriving from the client will not be read: the connection cannot be reused then.
        boolean mustClose = closeClient || !requestComplete || !clientKeepAlive || context.isDraining();
        ResponseHead.Decision d = ResponseHead.prepare(response, requestId, context.expose(), mustClose, headRequest, http10);
        reuseConnection = d.reuseUpstream();
        closeClient = d.closeClient();
        if (response instanceof LastHttpContent full) {
            // The decoder emits heads and bodies apart; a whole message only if a handler aggregated it.
            bytesSent += full.content().readableBytes();
            endResponse(a, response);
            return;
        }
        ctx.write(response, ctx.voidPromise());
    }

    private void onResponseContent(Attempt a, HttpContent content) {
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
            Signal signal = cause instanceof PrematureChannelClosureException ? Signal.CLOSED : Signal.MALFORMED;
            a.closedBy = signal == Signal.CLOSED ? Actor.UPSTREAM : null;
            cut(new Cause(Phase.RECEIVE_BODY, Actor.UPSTREAM, signal, FailureClassifier.describe(cause)),
                    "response body from " + a.endpoint.label() + " broke off after " + bytesSent + " bytes: "
                            + FailureClassifier.describe(cause));
            return;
        }
        touch();
        bytesSent += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            endResponse(a, content);
            return;
        }
        ctx.write(content, ctx.voidPromise());
        if (!ctx.channel().isWritable() && !upstreamReadPaused && a.connection != null) {
            // The client takes the body slower than the upstream sends it: stop reading the upstream
            // (after the chunk being decoded) until the client connection drains.
            // Pause before flushing: the flush may drain the client connection at once and resume us.
            upstreamReadPaused = true;
            a.connection.channel().config().setAutoRead(false);
            ctx.flush();
        }
    }

    /** The last piece of the response: give the connection back and finish once it is flushed. */
    private void endResponse(Attempt a, HttpObject last) {
        responseComplete = true;
        deadlines.clear();
        a.endedNanos = trace.elapsedNanos();
        leave(a);
        trace.add(TraceEvent.RESPONSE_END);
        UpstreamConnection c = a.takeConnection();
        if (c != null) {
            if (reuseConnection && requestComplete) {
                c.release();
            } else {
                c.discard();
            }
        }
        ctx.writeAndFlush(last).addListener(f -> complete());
    }

    void onUpstreamReadComplete(Attempt a) {
        if (a != current || finished || responseComplete) {
            return;
        }
        ctx.flush();
    }

    void onUpstreamClosed(Attempt a) {
        a.connection = null;
        if (a != current || finished || responseComplete || a.cause != null) {
            return;
        }
        a.closedBy = Actor.UPSTREAM;
        trace.add(TraceEvent.UPSTREAM_CLOSED);
        if (responseStarted) {
            cut(new Cause(Phase.RECEIVE_BODY, Actor.UPSTREAM, Signal.CLOSED, "connection closed"),
                    a.endpoint.label() + " closed the connection after " + bytesSent + " body bytes");
        } else {
            // A TLS-only port closes a plain-HTTP connection without a word (OpenSSL, Java, Netty do).
            String hint = !a.reused && upstream.config().tls() == null
                    ? " (a new connection: if that port speaks only HTTPS, set tls on upstream '" + upstream.name() + "')" : "";
            attemptFailed(a, new Cause(phaseOf(a), Actor.UPSTREAM, Signal.CLOSED, "connection closed"),
                    a.endpoint.label() + " closed the connection before a complete response header" + hint, null);
        }
    }

    void onUpstreamException(Attempt a, Throwable t) {
        if (a != current || finished || responseComplete || a.cause != null) {
            return;
        }
        Cause cause = FailureClassifier.connectionFailure(t, responseStarted ? Phase.RECEIVE_BODY : phaseOf(a));
        if (cause.signal() == Signal.RESET) {
            a.closedBy = Actor.UPSTREAM;
            trace.add(TraceEvent.UPSTREAM_RESET);
        } else {
            trace.add(TraceEvent.UPSTREAM_MALFORMED, cause.signal().name());
        }
        String detail = "connection to " + a.endpoint.label() + ": " + cause.error();
        if (responseStarted) {
            cut(cause, detail + " after " + bytesSent + " body bytes");
        } else {
            attemptFailed(a, cause, detail, null);
        }
    }

    /** SEND while any of the request is still going out, AWAIT_HEADERS once all of it went. */
    private Phase phaseOf(Attempt a) {
        return a.headWritten && requestComplete && pendingContent == null ? Phase.AWAIT_HEADERS : Phase.SEND;
    }

    /** An attempt ended before any response byte reached the client: retry if safe, else reply. */
    private void attemptFailed(Attempt a, Cause cause, String detail, String limit) {
        if (a.cause != null || finished) {
            return;
        }
        a.cause = cause;
        a.detail = detail;
        a.endedNanos = trace.elapsedNanos();
        deadlines.responseArrived();
        leave(a);
        UpstreamConnection c = a.takeConnection();
        if (c != null) {
            c.discard();
        }
        if (RetryPolicy.retryStale(cause, a.reused, request.method(), a.headWritten, bodyBytesForwarded > 0,
                responseStarted, transparentRetries)) {
            // The upstream closing an idle connection under us is no sign of ill health: not judged.
            transparentRetries++;
            context.countStaleRetry();
            trace.add(TraceEvent.RETRY, "stale_connection");
            newAttempt(true);
            return;
        }
        judge(a, cause, false);
        if (RetryPolicy.retryElsewhere(cause, upstream.config().retries(), request.method(), bodyBytesForwarded > 0,
                responseStarted, retries)) {
            String notRetried = retryOnAnotherEndpoint(cause.type().token());
            if (notRetried == null) {
                return;
            }
            if (upstream.endpoints().size() > 1) {
                detail += " (not retried: " + notRetried + ")"; // with one endpoint there is nothing to say
            }
        }
        if (a.reused && (cause.signal() == Signal.CLOSED || cause.signal() == Signal.RESET)) {
            detail += " (" + new ConnectionFacts(true, a.requestsBefore, a.idleMillis, a.ageMillis, a.closedBy).describe()
                    + notRetriedBecause() + (a.keepAliveNote == null ? "" : "; " + a.keepAliveNote) + ")";
        }
        failLocal(cause, HttpResponseStatus.valueOf(cause.type().status()), detail, limit);
    }

    /** Why a request that met a closed reused connection was not sent again, for the evidence. */
    private String notRetriedBecause() {
        if (transparentRetries > 0) {
            return "; already retried once on a fresh connection";
        }
        if (!RetryPolicy.isIdempotent(request.method())) {
            return "; not retried: " + method + " is not idempotent and may have been delivered";
        }
        if (bodyBytesForwarded > 0) {
            return "; not retried: the request body was already forwarded and is not kept";
        }
        return "";
    }

    /** The client is gone: whatever is in flight is abandoned (499, not an upstream error). */
    void onClientClosed() {
        if (finished) {
            return;
        }
        if (!responseComplete) {
            status = 499; // nginx's "client closed request"
        }
        trace.add(TraceEvent.CLIENT_CLOSED);
        finished = true;
        deadlines.clear();
        releasePending();
        discardCurrentConnection();
        record();
    }

    // ---- timeouts -----------------------------------------------------------------------------

    private void armResponseDeadline() {
        deadlines.awaitResponse(responseTimeoutNanos(), System.nanoTime());
    }

    private void responseTimedOut() {
        trace.add(TraceEvent.TIMEOUT, "response");
        long nanos = responseTimeoutNanos();
        String which = upstream.config().retries().perTryTimeout().isZero() ? "timeouts.response" : "retries.per_try_timeout";
        attemptFailed(current, new Cause(Phase.AWAIT_HEADERS, Actor.PROXY, Signal.TIMED_OUT, null),
                current.endpoint.label() + " sent no response header within " + FailureTexts.millis(nanos),
                "no response header after " + FailureTexts.seconds(nanos) + " = " + which);
    }

    /** The per-try timeout when set, else timeouts.response. */
    private long responseTimeoutNanos() {
        long perTry = upstream.config().retries().perTryTimeout().toNanos();
        return perTry > 0 ? perTry : timeouts.response().toNanos();
    }

    private void touch() {
        deadlines.activity(System.nanoTime());
    }

    /**
     * Enforces timeouts.response and timeouts.idle; called by the connection's one periodic check (see
     * {@link ClientTimeoutHandler}), so an exchange schedules no timer of its own.
     *
     * @return nanoseconds until the next deadline of this exchange, or {@link Long#MAX_VALUE}
     */
    long checkDeadlines(long now) {
        if (finished || responseComplete) {
            return Long.MAX_VALUE;
        }
        boolean awaitingHead = requestComplete && !responseStarted;
        switch (deadlines.expired(now, awaitingHead)) {
            case RESPONSE -> responseTimedOut();
            case IDLE -> idleTimedOut(deadlines.idleNanos());
            case NONE -> {
                return deadlines.nanosUntilNext(now, awaitingHead);
            }
        }
        return Long.MAX_VALUE;
    }

    private void idleTimedOut(long idle) {
        String limit = "no bytes for " + FailureTexts.seconds(idle) + " = timeouts.idle";
        trace.add(TraceEvent.TIMEOUT, "idle");
        if (responseStarted) {
            if (upstreamReadPaused) {
                cut(null, "the client read nothing for " + FailureTexts.millis(idle) + " (timeouts.idle)");
            } else {
                limitHit = limit;
                cut(new Cause(Phase.RECEIVE_BODY, Actor.PROXY, Signal.TIMED_OUT, null),
                        current.endpoint.label() + " sent nothing for " + FailureTexts.millis(idle) + " in the middle of the response body");
            }
        } else {
            closeClient = true;
            clientFault(HttpResponseStatus.REQUEST_TIMEOUT, "request body stalled for " + FailureTexts.millis(idle) + " (timeouts.idle)");
        }
    }

    // ---- endings ------------------------------------------------------------------------------

    private void clientFault(HttpResponseStatus replyStatus, String reason) {
        // The reason is about the client's own request, so it is safe to tell it.
        reply(new Cause(Phase.CLIENT_REQUEST, Actor.CLIENT, Signal.CLIENT_FAULT, null), replyStatus, reason, reason, null);
    }

    private void failLocal(Cause cause, HttpResponseStatus replyStatus, String detail) {
        failLocal(cause, replyStatus, detail, null);
    }

    private void failLocal(Cause cause, HttpResponseStatus replyStatus, String detail, String limit) {
        reply(cause, replyStatus, cause.type().summary(), detail, limit);
    }

    /** Ends the exchange with a reply Candor makes itself, before any response byte was sent. */
    private void reply(Cause cause, HttpResponseStatus replyStatus, String publicDetail, String detail, String limit) {
        if (finished || responseStarted) {
            return;
        }
        failure = cause;
        failureDetail = detail;
        limitHit = limit;
        status = replyStatus.code();
        deadlines.clear();
        releasePending();
        discardCurrentConnection();
        if ((!requestComplete && requestHasBody) || !clientKeepAlive || context.isDraining()) {
            closeClient = true;
        }
        trace.add(TraceEvent.LOCAL_REPLY, Integer.toString(status));
        String nextHop = current == null ? null : current.endpoint.label();
        FullHttpResponse reply = LocalReply.build(ctx.alloc(),
                new LocalReply.Content(replyStatus, cause.type(), publicDetail, detail, nextHop, requestId,
                        cause.signal() == Signal.DNS_FAILURE ? cause.error() : null),
                context.expose(), accept, closeClient);
        bytesSent = reply.content().readableBytes();
        responseStarted = true;
        responseComplete = true;
        ctx.writeAndFlush(reply).addListener(f -> complete());
    }

    /**
     * Ends the exchange after response bytes went out: the client connection is cut, never ended as if
     * complete. {@code cause} is null when the client is at fault (it is not an upstream error).
     */
    private void cut(Cause cause, String detail) {
        if (finished) {
            return;
        }
        finished = true;
        failure = cause;
        failureDetail = detail;
        if (current != null && current.cause == null && cause != null) {
            current.cause = cause;
            current.detail = detail;
            current.endedNanos = trace.elapsedNanos();
            judge(current, cause, false);
        }
        trace.add(TraceEvent.RESPONSE_CUT);
        deadlines.clear();
        releasePending();
        discardCurrentConnection();
        record();
        ctx.flush();
        ctx.close();
        owner.exchangeAborted(this);
    }

    private void complete() {
        if (finished) {
            return;
        }
        finished = true;
        deadlines.clear();
        record();
        owner.exchangeDone(this, !closeClient);
    }

    private void discardCurrentConnection() {
        if (current != null) {
            leave(current);
        }
        UpstreamConnection c = current == null ? null : current.takeConnection();
        if (c != null) {
            c.discard();
        }
    }

    private void releasePending() {
        if (pendingContent != null) {
            pendingContent.release();
            pendingContent = null;
        }
    }

    /** One access-log line; for a Candor error also the failure report and an error-log line. */
    private void record() {
        FailureRecorder.record(context, new FailureRecorder.Facts(startTime, trace, requestId, clientIp, method,
                hostHeader, uri, http10, status, bytesSent, route, upstream, attempts, transparentRetries,
                upstreamStatus, failure, failureDetail, limitHit));
    }

}
