package dev.candor.proxy;

import dev.candor.failure.Cause;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A step between routing and forwarding. The chain walks the filters in order for the request head and
 * backwards for the response head; a filter ends the chain by stopping the request — a refusal (an error,
 * classified) or an answer (a redirect or a fixed response, not an error) — and the exchange then sends
 * that instead of forwarding. Filters run on the exchange's event loop and must not block. Header rules
 * are the first filter; a cache, compression, access rules and rate limits go into the same chain.
 */
interface ProxyFilter {

    /**
     * Looks at (and may rewrite) the request head before it is forwarded.
     *
     * @return null to go on, or what ends the exchange in place of the upstream's answer
     */
    default Stop onRequest(FilterContext exchange, HttpRequest request) {
        return null;
    }

    /** Looks at (and may rewrite) the upstream's response head before it reaches the client. */
    default void onResponse(FilterContext exchange, HttpResponse response) {
    }

    /**
     * Looks at (and may add to) an {@link Answer} a filter made, before it reaches the client: what a route
     * adds to every response it gives (its response headers) goes here; upstream-only rules do not.
     */
    default void onAnswer(FilterContext exchange, HttpResponse response) {
    }

    /** What a filter can end the request side with: a refusal or an answer. */
    sealed interface Stop permits Refusal, Answer {
    }

    /**
     * A filter's answer in place of the upstream's: a status Candor sends itself, classified like every
     * failure (an access rule's 403 is {@code http_request_denied}), with what the log and client learn.
     */
    record Refusal(Cause cause, HttpResponseStatus status, String detail, String limit) implements Stop {
    }

    /**
     * A response Candor gives because the configuration says so (a redirect, a fixed response): not a
     * failure, so it carries no error type and no {@code Proxy-Status}.
     */
    record Answer(HttpResponseStatus status, HttpHeaders headers, String body) implements Stop {
    }

    /** What a filter may know of the exchange it works on. */
    interface FilterContext {
        String requestId();

        String clientIp();

        /** {@code http} or {@code https}: what the client used. */
        String scheme();

        /** The Host header as received (or the authority of an absolute-form target). */
        String hostHeader();

        Route route();

        /** The protocol the client asked to switch to ({@code websocket}), or null. */
        String upgrade();

        ProxyContext context();
    }
}
