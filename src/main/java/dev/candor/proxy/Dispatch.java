package dev.candor.proxy;

import dev.candor.config.RetryConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.TraceEvent;
import dev.candor.upstream.Upstream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Where one routed request goes, decided in its head phase: the upstream its route picks (a weighted pick
 * when it splits, none when it answers itself) with the route's timeouts and retries, the {@link Forwarder}
 * that makes the attempts, the route's {@link FilterChain} run on the head (waiting without blocking for a
 * deferred refusal, then going on from the filter after it), and the mirrored copy. The {@link Exchange}
 * carries out what the filters decided.
 */
final class Dispatch {
    private final Exchange exchange;
    private final Route route;
    /** Null when the route answers itself, and then so are the timeouts, retries and forwarder. */
    private final Upstream upstream;
    private final TimeoutsConfig timeouts;
    private final RetryConfig retries;
    private final Forwarder forwarder;
    private final RequestFacts facts;
    /** The mirrored copy that takes this request's body pieces as they pass, or null. */
    private MirrorCopy mirrorCopy;

    /**
     * Routes the exchange's request and picks its upstream; nothing is sent yet. Null when no route matches:
     * the exchange has then answered {@code no_route}.
     */
    static Dispatch route(Exchange x, RequestCheck.Target target, String upgrade) {
        Route route = x.context.router().match(target.host(), target.path(), x.request.method(), x.request.headers());
        if (route == null) {
            x.failLocal(new Fault(new Cause(Phase.ROUTE, Actor.PROXY, Signal.NO_ROUTE, null),
                    "no route matches host '" + target.host() + "', path '" + target.path() + "', method "
                            + x.request.method().name()));
            return null;
        }
        x.trace.add(TraceEvent.ROUTED, route.name());
        x.log.route = route;
        return new Dispatch(x, route, upgrade);
    }

    private Dispatch(Exchange x, Route route, String upgrade) {
        this.exchange = x;
        this.route = route;
        String upstreamName = route.chooseUpstream(); // null when the route answers itself
        if (upstreamName != null) {
            upstream = x.context.upstreams().get(upstreamName);
            x.log.upstream = upstream;
            timeouts = route.timeouts(upstream.config());
            retries = route.retries(upstream.config());
            upstream.retryBudget().requestStarted();
            forwarder = new Forwarder(x, upstream,
                    HashKeys.of(upstream.config().balancer(), x.request.headers(), x.log.clientIp), x.log.attempts);
        } else {
            upstream = null;
            timeouts = null;
            retries = null;
            forwarder = null;
        }
        facts = new RequestFacts(x.log.requestId, x.log.clientIp, x.downstream.clientIp(), x.downstream.scheme(),
                x.log.host, route, upgrade, x.context);
    }

    /**
     * Runs the route's request filters from filter {@code from} on and hands the outcome to the exchange
     * ({@link Exchange#afterFilters}); a deferred refusal is waited for on the exchange's event loop.
     */
    void runFilters(int from) {
        ProxyFilter.Stop stop = route.filters().onRequest(facts, exchange.request, from);
        if (!(stop instanceof ProxyFilter.Refusal deferred) || !deferred.isDeferred()) {
            exchange.afterFilters(stop);
            return;
        }
        deferred.later().whenComplete((r, e) -> exchange.downstream.eventLoop().execute(() -> {
            if (exchange.isResponseStarted()) {
                return; // the client went away meanwhile (or the exchange ended otherwise)
            }
            if (e != null) {
                exchange.failLocal(new Fault(new Cause(Phase.CLIENT_REQUEST, Actor.PROXY, Signal.DEFECT, e.toString()),
                        "a request filter failed: " + e));
            } else if (r != null) {
                exchange.afterFilters(r);
            } else {
                runFilters(deferred.resumeAt());
            }
        }));
    }

    /** The route's filters on the upstream's response head, last filter first. */
    void filterResponse(HttpResponse response) {
        route.filters().onResponse(facts, response);
    }

    /**
     * The response of an answer one of the route's filters gave (a redirect, a fixed response), the route's
     * filters applied to it: a response like any other, not a failure, so it carries no error type.
     */
    FullHttpResponse answer(ProxyFilter.Answer answer) {
        FullHttpResponse response = LocalReply.answer(exchange.downstream.alloc(), answer, exchange.log.requestId);
        route.filters().onAnswer(facts, response);
        return response;
    }

    /** Offers the route's mirror a copy of the request as it goes upstream (its body only if small and sized). */
    void offerMirror(boolean requestHasBody) {
        if (route.mirror() == null || facts.upgrade() != null) {
            return;
        }
        long length = HttpUtil.getContentLength(exchange.request, -1L);
        boolean chunked = HttpUtil.isTransferEncodingChunked(exchange.request);
        if (!requestHasBody || (!chunked && length > 0 && length <= Mirror.MAX_BODY)) {
            mirrorCopy = route.mirror().offer(exchange.context, exchange.downstream.eventLoop(), exchange.request,
                    exchange.log.clientIp, requestHasBody);
        }
    }

    /** A body piece going upstream: the mirrored copy gets the same bytes (and releases them). */
    void mirrorBody(HttpContent content) {
        if (mirrorCopy != null) {
            mirrorCopy.body(content.retainedDuplicate());
        }
    }

    /** The exchange ends early: the attempts and the mirrored copy are dropped. */
    void abandon() {
        abandonMirror();
        if (forwarder != null) {
            forwarder.abandon();
        }
    }

    /** A mirrored copy still waiting for body pieces will not get them: it is dropped, not sent half. */
    void abandonMirror() {
        if (mirrorCopy != null) {
            mirrorCopy.abandonIfIncomplete();
        }
    }

    /** The per-try timeout when set, else timeouts.response. */
    long responseTimeoutNanos() {
        long perTry = retries.perTryTimeout().toNanos();
        return perTry > 0 ? perTry : timeouts.response().toNanos();
    }

    /** Which setting the response deadline came from, as the evidence names it. */
    String timeoutSetting() {
        String which = retries.perTryTimeout().isZero() ? "timeouts.response" : "retries.per_try_timeout";
        return route.overridesTimeouts() ? "route " + route.name() + " " + which : which;
    }

    Route route() {
        return route;
    }

    /** The upstream chosen, or null when the route answers itself. */
    Upstream upstream() {
        return upstream;
    }

    /** The timeouts of this request: its upstream's, with its route's overrides. */
    TimeoutsConfig timeouts() {
        return timeouts;
    }

    /** The retries of this request: its upstream's, with its route's overrides. */
    RetryConfig retries() {
        return retries;
    }

    /** The attempts' loop, or null when the route answers itself. */
    Forwarder forwarder() {
        return forwarder;
    }

    /** What the filters know of this exchange. */
    RequestFacts facts() {
        return facts;
    }
}
