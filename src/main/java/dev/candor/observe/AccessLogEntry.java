package dev.candor.observe;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One access-log line: what happened to one request, from the client's view and the upstream's.
 * Fields that do not apply are {@code null}. Immutable, so it can be handed to the log writer thread.
 *
 * @param error an RFC 9209 error type name, or null when Candor made no error
 * @param attempts upstream exchanges tried (0 when none was made)
 * @param upstreamStatus the status the upstream answered, or null when it did not answer
 * @param tlsMs the upstream TLS handshake of the last attempt (until it failed, for a failed one), or null
 * @param bytesReceived on a tunnel's line, the bytes the client sent through it; null otherwise
 * @param close on a tunnel's line, who closed it and the close frame's code and reason; null otherwise
 */
public record AccessLogEntry(
        Instant time,
        String requestId,
        String clientIp,
        String method,
        String host,
        String uri,
        String protocol,
        int status,
        long bytesSent,
        double durationMs,
        String route,
        String upstream,
        String endpoint,
        int attempts,
        Integer upstreamStatus,
        String error,
        String errorDetail,
        Double connectMs,
        Double ttfbMs,
        String cache,
        Double tlsMs,
        Long bytesReceived,
        TunnelClose close) {

    /**
     * How a tunnel ended (SPEC section 8).
     *
     * @param by {@code client}, {@code upstream} or {@code candor}: who closed first
     * @param code the WebSocket close code of the first close frame, or null when none was seen
     * @param reason that frame's reason, or null
     */
    public record TunnelClose(String by, Integer code, String reason) {
        public TunnelClose {
            requireNonNull(by, "by");
        }
    }

    /** An entry that is not a tunnel's. */
    public AccessLogEntry(Instant time, String requestId, String clientIp, String method, String host, String uri,
                          String protocol, int status, long bytesSent, double durationMs, String route, String upstream,
                          String endpoint, int attempts, Integer upstreamStatus, String error, String errorDetail,
                          Double connectMs, Double ttfbMs, String cache, Double tlsMs) {
        this(time, requestId, clientIp, method, host, uri, protocol, status, bytesSent, durationMs, route, upstream,
                endpoint, attempts, upstreamStatus, error, errorDetail, connectMs, ttfbMs, cache, tlsMs, null, null);
    }

    /** An entry without upstream TLS. */
    public AccessLogEntry(Instant time, String requestId, String clientIp, String method, String host, String uri,
                          String protocol, int status, long bytesSent, double durationMs, String route, String upstream,
                          String endpoint, int attempts, Integer upstreamStatus, String error, String errorDetail,
                          Double connectMs, Double ttfbMs, String cache) {
        this(time, requestId, clientIp, method, host, uri, protocol, status, bytesSent, durationMs, route, upstream,
                endpoint, attempts, upstreamStatus, error, errorDetail, connectMs, ttfbMs, cache, null);
    }

    public AccessLogEntry {
        requireNonNull(time, "time");
    }
}
