package dev.candor.proxy;

import dev.candor.failure.Cause;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletionStage;

/**
 * A step between routing and forwarding. The chain walks the filters in order for the request head and
 * backwards for the response head; a filter ends the chain by refusing the request, and the exchange then
 * answers that refusal itself. Filters run on the exchange's event loop and must not block. Header rules
 * are the first filter; a cache, compression, access rules and rate limits go into the same chain.
 */
interface ProxyFilter {

    /**
     * Looks at (and may rewrite) the request head before it is forwarded.
     *
     * @return null to go on, or the refusal that ends the exchange
     */
    default Refusal onRequest(FilterContext exchange, HttpRequest request) {
        return null;
    }

    /** Looks at (and may rewrite) the upstream's response head before it reaches the client. */
    default void onResponse(FilterContext exchange, HttpResponse response) {
    }

    /**
     * A filter's answer in place of the upstream's: a status Candor sends itself, classified like every
     * failure (an access rule's 403 is {@code http_request_denied}), with what the log and client learn.
     *
     * @param retryAfterSeconds when to come back ({@code Retry-After}, RFC 9110 §10.2.3), or 0 to say nothing
     * @param later for a decision that is not made yet ({@link #deferred}): completes, on any thread, with
     *              null to go on or with the refusal; null for a refusal made now
     * @param resumeAt the index of the filter the chain goes on with once {@code later} says go on
     */
    record Refusal(Cause cause, HttpResponseStatus status, String detail, String limit, long retryAfterSeconds,
                   CompletionStage<Refusal> later, int resumeAt) {

        /** A refusal made now. */
        Refusal(Cause cause, HttpResponseStatus status, String detail, String limit, long retryAfterSeconds) {
            this(cause, status, detail, limit, retryAfterSeconds, null, 0);
        }

        /** A refusal that does not say when to come back. */
        Refusal(Cause cause, HttpResponseStatus status, String detail, String limit) {
            this(cause, status, detail, limit, 0);
        }

        /**
         * A filter's answer that comes from elsewhere (a store across the network): the exchange waits for it
         * without blocking, then goes on or answers the refusal, back on its event loop.
         */
        static Refusal deferred(CompletionStage<Refusal> later) {
            return new Refusal(null, null, null, null, 0, later, 0);
        }

        boolean isDeferred() {
            return later != null;
        }
    }

    /** What a filter may know of the exchange it works on. */
    interface FilterContext {
        String requestId();

        /** The client's address: the connection's peer, or what trusted proxies said it is. */
        String clientIp();

        /** Who connected to Candor (the PROXY protocol header's source on such a listener): the hop appended to X-Forwarded-For. */
        String peerIp();

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
