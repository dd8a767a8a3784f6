package dev.candor.proxy;

import dev.candor.config.LimitsConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.Trace;
import dev.candor.observe.TraceEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
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
 * <p>Check the head → route and upstream ({@link Dispatch}) → the route's {@link FilterChain} (access, rate
 * limit, header rules, the route's own steps; a refusal or a route's answer ends it) → {@link Forwarder}
 * (attempts and retries) → response head back through the filters → {@link Relay} streams both bodies with
 * backpressure → one access-log line. A {@code 101} to an upgrade request hands both connections to a {@link Tunnel}
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

    /** Where the routed request goes; null before routing. */
    private Dispatch dispatch;
    /** The dispatch's forwarder; null before routing or when the route answers itself. */
    private Forwarder forwarder;

    Exchange(Downstream downstream, ProxyContext context, HttpRequest request) {
        this.downstream = downstream;
        this.context = context;
        this.request = request;
        this.limits = context.limits();
        this.trace = context.newTrace();
        this.log = new ExchangeLog(context.ticker().now(), trace,
                ForwardedFor.client(downstream.clientIp(), request.headers(), context.trustedProxies()));
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
        RequestCheck.Rejection refused = RequestCheck.fields(request, limits.maxHeaderCount(), requestHasBody);
        if (refused != null) {
            mustClose = refused.close();
            clientFault(refused.status(), refused.reason());
            return;
        }
        expectContinue = RequestCheck.expectation(request) != null && requestHasBody;
        upgrade = Upgrades.requested(request);
        if (MaxForwards.remaining(request) == 0) { // Candor is the last hop: it answers itself
            send(MaxForwards.finalAnswer(downstream.alloc(), request));
            return;
        }

        dispatch = Dispatch.route(this, target, upgrade);
        if (dispatch != null) { // else no route matched, and that was answered
            forwarder = dispatch.forwarder();
            dispatch.runFilters(0);
        }
    }

    /** Goes on once the request filters answered ({@link Dispatch#runFilters}): refuses, answers or forwards. */
    void afterFilters(ProxyFilter.Stop stop) {
        if (stop instanceof ProxyFilter.Refusal refused) {
            reply(new Fault(refused.cause(), refused.detail(), refused.limit()), refused.status(),
                    refused.cause().type().summary(), refused.retryAfterSeconds());
            return;
        }
        if (stop instanceof ProxyFilter.Answer answer) {
            send(dispatch.answer(answer));
            return;
        }
        if (forwarder == null) {
            throw new IllegalStateException("route " + dispatch.route().name() + " neither forwards nor answers");
        }
        dispatch.offerMirror(requestHasBody);
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
        deadlines.enforceIdle(dispatch.timeouts().idle().toNanos(), now());
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
        if (requestPhase == RequestPhase.BODY) {
            dispatch.mirrorBody(content);
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
        dispatch.filterResponse(response);
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
        deadlines.awaitResponse(dispatch.responseTimeoutNanos(), now());
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
            case RESPONSE -> forwarder.current().responseTimedOut(dispatch.responseTimeoutNanos(),
                    dispatch.timeoutSetting());
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
        reply(new Fault(new Cause(Phase.CLIENT_REQUEST, Actor.CLIENT, Signal.CLIENT_FAULT, null), reason), replyStatus, reason, 0);
    }

    /** Answers a failure before any response byte was sent, with the status its error type gives. */
    void failLocal(Fault fault) {
        reply(fault, HttpResponseStatus.valueOf(fault.cause().type().status()), fault.cause().type().summary(), 0);
    }

    /**
     * Ends the exchange with a reply Candor makes itself, before any response byte was sent; it tells the
     * client when to come back when {@code retryAfterSeconds} is above 0.
     */
    private void reply(Fault fault, HttpResponseStatus replyStatus, String publicDetail, long retryAfterSeconds) {
        if (responsePhase != ResponsePhase.AWAITING) {
            return;
        }
        log.failure(fault.cause(), fault.detail(), fault.limit());
        dropInFlight();
        Attempt last = log.lastAttempt();
        FullHttpResponse reply = LocalReply.build(downstream.alloc(),
                new LocalReply.Content(replyStatus, fault.cause().type(), publicDetail, fault.detail(),
                        last == null ? null : last.endpoint.label(), log.requestId,
                        fault.cause().signal() == Signal.DNS_FAILURE ? fault.cause().error() : null),
                context.expose(), accept, false);
        if (retryAfterSeconds > 0) {
            reply.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        send(reply);
    }

    /** Sends a whole response Candor made itself (a failure's reply or a route's answer), in place of the upstream's. */
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
        if (dispatch != null) {
            dispatch.abandonMirror();
        }
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
        if (dispatch != null) {
            dispatch.abandon();
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

    /** Where the routed request goes; null before routing. */
    Dispatch dispatch() {
        return dispatch;
    }

    /** The protocol the client asked to switch to ({@code websocket}), or null. */
    String upgrade() {
        return upgrade;
    }

}
