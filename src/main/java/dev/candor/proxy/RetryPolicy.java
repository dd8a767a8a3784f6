package dev.candor.proxy;

import dev.candor.config.RetryConfig;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Whether a failed attempt is sent again — pure functions of what is known about the failure, so the
 * rules can be read and tested on their own.
 */
final class RetryPolicy {

    private RetryPolicy() {
    }

    /** RFC 9110 §9.2.2: methods whose repetition has the same effect as one request. */
    static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.TRACE.equals(method) || HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method);
    }

    /**
     * The stale keep-alive race: a pooled connection the upstream had already closed (or closed just as it
     * was reused) ended before any response byte. Retried once, on a fresh connection, when safe: always
     * for idempotent methods; for others only when the request head never finished reaching the socket, so
     * the upstream cannot have acted on it (a proxy MUST NOT retry a non-idempotent request that may have
     * been delivered). Never once a body byte was forwarded (Candor does not buffer bodies to replay them)
     * or a response byte reached the client.
     *
     * @param reused the failed attempt used a pooled connection that had served requests before
     * @param headWritten the request head was completely written to the socket
     * @param bodyForwarded body bytes were already written upstream
     * @param transparentRetries stale retries already made for this request
     */
    static boolean retryStale(Cause cause, boolean reused, HttpMethod method, boolean headWritten,
                              boolean bodyForwarded, boolean responseStarted, int transparentRetries) {
        if (!reused || responseStarted || bodyForwarded || transparentRetries > 0) {
            return false;
        }
        boolean connectionEnded = cause.signal() == Signal.CLOSED || cause.signal() == Signal.RESET;
        boolean beforeResponse = cause.phase() == Phase.SEND || cause.phase() == Phase.AWAIT_HEADERS;
        return connectionEnded && beforeResponse && (isIdempotent(method) || !headWritten);
    }

    /**
     * A configured retry on another endpoint after a failed attempt. A failure before the request could
     * leave (connect, pool) is retried for any method; once it may have been delivered, only idempotent
     * requests are, and never once a body byte was forwarded (bodies are streamed, not kept) or a
     * response byte reached the client.
     *
     * @param retriesSoFar configured retries already made for this request (stale retries not counted)
     */
    static boolean retryElsewhere(Cause cause, RetryConfig config, HttpMethod method, boolean bodyForwarded,
                                  boolean responseStarted, int retriesSoFar) {
        if (retriesSoFar >= config.attempts() || responseStarted) {
            return false;
        }
        RetryConfig.On condition = conditionOf(cause);
        if (condition == null || !config.on().contains(condition)) {
            return false;
        }
        if (condition == RetryConfig.On.CONNECT_FAILURE) {
            return true;
        }
        return isIdempotent(method) && !bodyForwarded;
    }

    /** A configured retry of an upstream's own 502, 503 or 504, before anything reached the client. */
    static boolean retry5xx(RetryConfig config, HttpMethod method, boolean bodyForwarded, int retriesSoFar) {
        return retriesSoFar < config.attempts() && config.on().contains(RetryConfig.On.STATUS_5XX_IDEMPOTENT)
                && isIdempotent(method) && !bodyForwarded;
    }

    /** Which retry condition a failure falls under, or null when none does. */
    static RetryConfig.On conditionOf(Cause cause) {
        return switch (cause.signal()) {
            case REFUSED, NO_ANSWER, UNREACHABLE, POOL_FULL, DNS_FAILURE, DNS_TIMEOUT, TLS_HANDSHAKE, TLS_CERTIFICATE ->
                    cause.beforeDelivery() ? RetryConfig.On.CONNECT_FAILURE : null;
            case CLOSED, RESET -> cause.phase() == Phase.SEND || cause.phase() == Phase.AWAIT_HEADERS
                    ? RetryConfig.On.CONNECTION_TERMINATED_IDEMPOTENT : null;
            case TIMED_OUT -> cause.phase() == Phase.AWAIT_HEADERS ? RetryConfig.On.RESPONSE_TIMEOUT_IDEMPOTENT
                    : cause.phase() == Phase.TLS ? RetryConfig.On.CONNECT_FAILURE : null;
            default -> null;
        };
    }
}
