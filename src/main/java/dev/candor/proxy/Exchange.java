package dev.candor.proxy;

import dev.candor.config.LimitsConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.Trace;
import dev.candor.observe.TraceEvent;
import dev.candor.upstream.Upstream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One request from a client, carried to an upstream and its response carried back, whatever protocol
 * either side speaks: the {@link Downstream} adapter frames what goes to the client, the attempts' streams
 * what goes upstream. Everything happens on the downstream's event loop, which is also the upstream
 * streams', so there are no locks.
 *
 * <p>Check the head → route → {@link FilterChain} (header rules first) → {@link Forwarder} (attempts and
 * retries) → response head back through the filters → {@link Relay} streams both bodies with backpressure →
 * one access-log line. A {@code 101} to an upgrade request hands both connections to a {@link Tunnel}
 * instead. What the exchange has reached is two explicit phases, one per direction.
 */
final class Exchange {

    /** How far the request has come. */
    enum RequestPhase {
        /** The head is being checked and routed. */
        HEAD,
        /** A request without body: its (empty) end is read before the head is forwarded with it. */
        AWAITING_END,
        /** The body streams to the upstream. */
        BODY,
        /** All of it went upstream (or its empty end was consumed). */
        COMPLETE
    }

    /** How far the response has come. */
    enum ResponsePhase {
        /** Nothing was sent to the client yet: a failure can still be answered (or retried). */
        AWAITING,
        /** The head went to the client; the body streams. */
        STREAMING,
        /** The last piece is written and leaving. */
        ENDING,
        /** Both connections became a byte tunnel ({@link Tunnel}), which writes the log when it ends. */
        TUNNEL,
        /** Over: written down, nothing more happens. */
        ENDED
    }

    final Downstream downstream;
    final ProxyContext context;
    final HttpRequest request;
    private final LimitsConfig limits;
    final Trace trace;
    final ExchangeLog log;
    private final ExchangeDeadlines deadlines = new ExchangeDeadlines();
    final Relay relay;
    private final boolean http10;

    private RequestPhase requestPhase = RequestPhase.HEAD;
    private ResponsePhase responsePhase = ResponsePhase.AWAITING;
    private String accept;
    private boolean requestHasBody;
    private boolean expectContinue;
    private boolean continueSent;
    /** The protocol the client asked to switch to ({@code websocket}), or null. */
    private String upgrade;
    /** The client connection cannot be kept after this exchange, whatever the response says. */
    private boolean mustClose;
    private long bodyBytesRead;

    private Route route;
    private Upstream upstream;
    private TimeoutsConfig timeouts;
    private Forwarder forwarder;
    private RequestFacts facts;

    Exchange(Downstream downstream, ProxyContext context, HttpRequest request) {
        this.downstream = downstream;
        this.context = context;
        this.request = request;
        this.limits = context.limits();
        this.trace = context.newTrace();
        this.log = new ExchangeLog(context.ticker().now(), trace, downstream.clientIp());
        this.relay = new Relay(this, downstream);
        this.http10 = request.protocolVersion().minorVersion() == 0;
        trace.add(TraceEvent.REQUEST_RECEIVED);
    }

    void start() {
        HttpHeaders headers = request.headers();
        log.request(RequestIds.choose(headers.get(HeaderRules.X_REQUEST_ID)), request.method().name(), request.uri(), http10);
        accept = headers.get(HttpHeaderNames.ACCEPT);
        Object checked = RequestCheck.check(request, limits.maxUriLength(), limits.maxBodySize());
        if (checked instanceof RequestCheck.Rejection r) {
            requestHasBody = true; // framing is unknown: never keep the connection after a rejected head
            mustClose = r.close();
            clientFault(r.status(), r.reason());
            return;
        }
        RequestCheck.Target target = (RequestCheck.Target) checked;
        log.host = target.hostHeader();
        requestHasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;

        String expect = http10 ? null : headers.get(HttpHeaderNames.EXPECT); // RFC 9110 §10.1.1: not in 1.0
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
            mustClose = requestHasBody;
            clientFault(HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation '" + expect + "'");
            return;
        }
        expectContinue = expect != null && requestHasBody;
        upgrade = Upgrades.requested(request);
        if (MaxForwards.remaining(request) == 0) { // Candor is the last hop: it answers itself
            send(MaxForwards.finalAnswer(downstream.alloc(), request));
            return;
        }

        route = context.router().match(target.host(), target.path(), request.method());
        if (route == null) {
            failLocal(new Fault(new Cause(Phase.ROUTE, Actor.PROXY, Signal.NO_ROUTE, null),
                    "no route matches host '" + target.host() + "', path '" + target.path() + "', method "
                            + request.method().name()));
            return;
        }
        trace.add(TraceEvent.ROUTED, route.name());
        log.route = route;
        upstream = context.upstreams().get(route.upstream());
        log.upstream = upstream;
        timeouts = upstream.config().timeouts();
        upstream.retryBudget().requestStarted();
        forwarder = new Forwarder(this, upstream, HashKeys.of(upstream.config().balancer(), headers, log.clientIp),
                log.attempts);
        facts = new RequestFacts(log.requestId, log.clientIp, downstream.scheme(), log.host, route, upgrade, context);
        ProxyFilter.Refusal refused = context.filters().onRequest(facts, request);
        if (refused != null) {
            reply(new Fault(refused.cause(), refused.detail(), refused.limit()), refused.status(),
                    refused.cause().type().summary());
            return;
        }
        if (requestHasBody) {
            requestPhase = RequestPhase.BODY;
            forwarder.start();
        } else {
            // The decoder has the (empty) end of this request right behind its head: take it first, so
            // head and end reach the upstream in one write.
            requestPhase = RequestPhase.AWAITING_END;
            downstream.resumeRequest();
        }
    }

    /** The attempt's head is written: the body may follow, and the response deadlines start. */
    void attemptSending(Attempt a) {
        touch();
        if (expectContinue && !continueSent) {
            continueSent = true;
            downstream.sendContinue();
        }
        // timeouts.idle holds from the head being sent until the response ends
        deadlines.enforceIdle(timeouts.idle().toNanos(), now());
        relay.attemptSending();
        if (requestPhase != RequestPhase.COMPLETE) {
            downstream.resumeRequest(); // the body pieces that waited for the stream, then the rest
        } else if (responsePhase == ResponsePhase.AWAITING) {
            armResponseDeadline();
        }
    }

    /** A body piece (or the end of the body) from the client. */
    void onRequestContent(HttpContent content) {
        if (responsePhase == ResponsePhase.ENDED || responsePhase == ResponsePhase.TUNNEL) {
            content.release();
            return;
        }
        bodyBytesRead += content.content().readableBytes();
        RequestCheck.Rejection refused = RequestCheck.bodyPiece(content, bodyBytesRead, limits.maxBodySize());
        if (refused != null) {
            content.release();
            mustClose = true;
            if (responsePhase == ResponsePhase.AWAITING) {
                clientFault(refused.status(), refused.reason());
            } else {
                cut(null, content.decoderResult().isFailure() ? "client sent a malformed body: " + refused.reason()
                        : refused.reason());
            }
            return;
        }
        touch();
        if (requestPhase == RequestPhase.AWAITING_END && content instanceof LastHttpContent) {
            content.release();
            requestPhase = RequestPhase.COMPLETE;
            forwarder.start();
            return;
        }
        relay.requestContent(content);
    }

    /** The last piece of the request went upstream. */
    void requestEndForwarded() {
        requestPhase = RequestPhase.COMPLETE;
        trace.add(TraceEvent.REQUEST_BODY_SENT);
        if (responsePhase == ResponsePhase.AWAITING) {
            armResponseDeadline();
        }
    }

    /** True while the exchange is ready for the next piece of the request body. */
    boolean wantsRequestBody() {
        return requestPhase == RequestPhase.AWAITING_END
                || (requestPhase == RequestPhase.BODY && isOpen() && relay.canTakeRequest());
    }

    /** Sends the body pieces written since the last flush; called when a read cycle of the client ends. */
    void flushRequestBody() {
        relay.flushRequest();
    }

    /** The client connection can take more. */
    void onDownstreamWritable() {
        if (isOpen()) {
            relay.downstreamWritable();
        }
    }

    /** An attempt's response head arrived (the attempt classified anything malformed already). */
    void onResponseHead(Attempt a, HttpResponse response) {
        int code = response.status().code();
        deadlines.responseArrived();
        trace.add(TraceEvent.RESPONSE_HEADERS, response.status().codeAsText().toString());
        if (code == 101) {
            Tunnel.open(this, a, response);
            return;
        }
        forwarder.judge(a, null, code >= 500);
        if ((code == 502 || code == 503 || code == 504) && forwarder.retryInsteadOf(a, code)) {
            return; // nothing reached the client yet: this answer is dropped and another endpoint asked
        }
        log.upstreamStatus = code;
        log.status = code;
        responsePhase = ResponsePhase.STREAMING;
        String keepAlive = response.headers().get(HttpHeaderNames.KEEP_ALIVE);
        if (keepAlive != null && a.stream != null) {
            a.stream.observeKeepAlive(keepAlive);
        }
        touch();
        boolean upstreamChunked = HttpUtil.isTransferEncodingChunked(response);
        context.filters().onResponse(facts, response);
        // A body still arriving from the client will not be read: the connection cannot be reused then.
        downstream.sendHead(response, upstreamChunked, mustClose || requestPhase != RequestPhase.COMPLETE);
        if (response instanceof LastHttpContent full) {
            // The decoder emits heads and bodies apart; a whole message only if a handler aggregated it.
            log.bytesSent += full.content().readableBytes();
            endResponse(a, null);
        }
    }

    /** A piece of the response body from the current attempt. */
    void onResponseContent(Attempt a, HttpContent content) {
        touch();
        log.bytesSent += content.content().readableBytes();
        if (content instanceof LastHttpContent last) {
            endResponse(a, last);
            return;
        }
        relay.responseContent(a, content);
    }

    /** One read of the upstream was relayed: send it on. */
    void flushResponse() {
        if (responsePhase == ResponsePhase.STREAMING) {
            downstream.flush();
        }
    }

    /** The last piece of the response: give the stream back and finish once it is flushed. */
    private void endResponse(Attempt a, LastHttpContent last) {
        responsePhase = ResponsePhase.ENDING;
        deadlines.clear();
        a.end(null, null);
        trace.add(TraceEvent.RESPONSE_END);
        var stream = a.takeStream();
        if (stream != null) {
            if (a.reusable && requestPhase == RequestPhase.COMPLETE) {
                stream.release();
            } else {
                stream.discard();
            }
        }
        downstream.sendLast(last, this::complete);
    }

    /** The attempt broke off after its response head went to the client. */
    void responseBroken(Attempt a, Fault fault) {
        cut(fault.cause(), fault.detail());
    }

    /** An attempt ended without a response: its response deadline no longer applies. */
    void attemptEnded() {
        deadlines.responseArrived();
    }

    /** The client is gone: whatever is in flight is abandoned (499, not an upstream error). */
    void onClientClosed() {
        if (!isOpen()) {
            return;
        }
        if (responsePhase != ResponsePhase.ENDING) {
            log.status = 499; // nginx's "client closed request"
        }
        trace.add(TraceEvent.CLIENT_CLOSED);
        end();
    }

    private void armResponseDeadline() {
        deadlines.awaitResponse(responseTimeoutNanos(), now());
    }

    /** The per-try timeout when set, else timeouts.response. */
    private long responseTimeoutNanos() {
        long perTry = upstream.config().retries().perTryTimeout().toNanos();
        return perTry > 0 ? perTry : timeouts.response().toNanos();
    }

    private void touch() {
        deadlines.activity(now());
    }

    private long now() {
        return context.ticker().nanoTime();
    }

    /**
     * Enforces timeouts.response and timeouts.idle; called by the connection's one periodic check (see
     * {@link ClientTimeoutHandler}), so an exchange schedules no timer of its own.
     *
     * @return nanoseconds until the next deadline of this exchange, or {@link Long#MAX_VALUE}
     */
    long checkDeadlines(long now) {
        if (responsePhase != ResponsePhase.AWAITING && responsePhase != ResponsePhase.STREAMING) {
            return Long.MAX_VALUE;
        }
        boolean awaitingHead = requestPhase == RequestPhase.COMPLETE && responsePhase == ResponsePhase.AWAITING;
        switch (deadlines.expired(now, awaitingHead)) {
            case RESPONSE -> forwarder.current().responseTimedOut(responseTimeoutNanos(),
                    upstream.config().retries().perTryTimeout().isZero() ? "timeouts.response" : "retries.per_try_timeout");
            case IDLE -> idleTimedOut(deadlines.idleNanos());
            case NONE -> {
                return deadlines.nanosUntilNext(now, awaitingHead);
            }
        }
        return Long.MAX_VALUE;
    }

    private void idleTimedOut(long idle) {
        trace.add(TraceEvent.TIMEOUT, "idle");
        if (responsePhase == ResponsePhase.AWAITING) {
            mustClose = true;
            clientFault(HttpResponseStatus.REQUEST_TIMEOUT, "request body stalled for " + FailureTexts.millis(idle) + " (timeouts.idle)");
        } else if (relay.waitingForClient()) {
            cut(null, "the client read nothing for " + FailureTexts.millis(idle) + " (timeouts.idle)");
        } else {
            log.limit = "no bytes for " + FailureTexts.seconds(idle) + " = timeouts.idle";
            cut(new Cause(Phase.RECEIVE_BODY, Actor.PROXY, Signal.TIMED_OUT, null),
                    forwarder.current().endpoint.label() + " sent nothing for " + FailureTexts.millis(idle)
                            + " in the middle of the response body");
        }
    }

    private void clientFault(HttpResponseStatus replyStatus, String reason) {
        // The reason is about the client's own request, so it is safe to tell it.
        reply(new Fault(new Cause(Phase.CLIENT_REQUEST, Actor.CLIENT, Signal.CLIENT_FAULT, null), reason), replyStatus, reason);
    }

    /** Answers a failure before any response byte was sent, with the status its error type gives. */
    void failLocal(Fault fault) {
        reply(fault, HttpResponseStatus.valueOf(fault.cause().type().status()), fault.cause().type().summary());
    }

    /** Ends the exchange with a reply Candor makes itself, before any response byte was sent. */
    private void reply(Fault fault, HttpResponseStatus replyStatus, String publicDetail) {
        if (responsePhase != ResponsePhase.AWAITING) {
            return;
        }
        log.failure(fault.cause(), fault.detail(), fault.limit());
        dropInFlight();
        Attempt last = log.lastAttempt();
        send(LocalReply.build(downstream.alloc(),
                new LocalReply.Content(replyStatus, fault.cause().type(), publicDetail, fault.detail(),
                        last == null ? null : last.endpoint.label(), log.requestId,
                        fault.cause().signal() == Signal.DNS_FAILURE ? fault.cause().error() : null),
                context.expose(), accept, false));
    }

    /** Sends a whole response Candor made itself, in place of the upstream's. */
    private void send(FullHttpResponse reply) {
        log.status = reply.status().code();
        trace.add(TraceEvent.LOCAL_REPLY, Integer.toString(log.status));
        log.bytesSent = reply.content().readableBytes();
        responsePhase = ResponsePhase.ENDING;
        downstream.sendReply(reply, mustClose || (requestPhase != RequestPhase.COMPLETE && requestHasBody), this::complete);
    }

    /**
     * Ends the exchange after response bytes went out: the client's response is cut, never ended as if
     * complete. {@code cause} is null when the client is at fault (it is not an upstream error).
     */
    private void cut(Cause cause, String detail) {
        if (!isOpen()) {
            return;
        }
        log.failure(cause, detail, log.limit);
        Attempt a = forwarder == null ? null : forwarder.current();
        if (a != null && a.isLive() && cause != null) {
            a.end(cause, detail);
            forwarder.judge(a, cause, false);
        }
        trace.add(TraceEvent.RESPONSE_CUT);
        end();
        downstream.flush();
        downstream.exchangeAborted(this);
    }

    private void complete() {
        if (responsePhase != ResponsePhase.ENDING) {
            return;
        }
        responsePhase = ResponsePhase.ENDED;
        deadlines.clear();
        FailureRecorder.record(context, log);
        downstream.exchangeDone(this, requestPhase == RequestPhase.COMPLETE);
    }

    /** Over early: drop what is in flight and write it down. */
    private void end() {
        responsePhase = ResponsePhase.ENDED;
        dropInFlight();
        FailureRecorder.record(context, log);
    }

    private void dropInFlight() {
        deadlines.clear();
        relay.release();
        if (forwarder != null) {
            forwarder.abandon();
        }
    }

    /** The tunnel took over both connections; it writes the log line when it ends. */
    void tunnelled() {
        responsePhase = ResponsePhase.TUNNEL;
        deadlines.clear();
        relay.release();
    }

    private boolean isOpen() {
        return responsePhase != ResponsePhase.ENDED && responsePhase != ResponsePhase.TUNNEL;
    }

    boolean isRequestComplete() {
        return requestPhase == RequestPhase.COMPLETE;
    }

    boolean isResponseStarted() {
        return responsePhase != ResponsePhase.AWAITING;
    }

    Forwarder forwarder() {
        return forwarder;
    }

    Upstream upstream() {
        return upstream;
    }

    TimeoutsConfig timeouts() {
        return timeouts;
    }

    /** The protocol the client asked to switch to ({@code websocket}), or null. */
    String upgrade() {
        return upgrade;
    }

    /** What the filters know of this exchange; null before it was routed. */
    ProxyFilter.FilterContext facts() {
        return facts;
    }
}
