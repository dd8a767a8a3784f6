package dev.candor.failure;

import java.util.Locale;

/**
 * Every way Candor can fail a request, by its RFC 9209 proxy error type name, with the status it answers
 * and what an operator should know at 3 a.m. Closed on purpose: a new constant breaks every exhaustive
 * {@code switch} that must decide what to do with it.
 */
public enum ErrorType {
    DNS_TIMEOUT(504, Retry.ALWAYS,
            "the upstream host name could not be resolved in time",
            "the resolver is slow, unreachable or dropping queries",
            "query the resolver from the proxy host (dig NAME @RESOLVER) and check dns.resolvers and dns.timeout"),
    DNS_ERROR(502, Retry.ALWAYS,
            "the upstream host name did not resolve",
            "a typo in the endpoint name, a record that was removed (NXDOMAIN) or a failing resolver (SERVFAIL)",
            "resolve the name from the proxy host (dig NAME) and compare with the endpoint address in the config"),
    DESTINATION_NOT_FOUND(404, Retry.NEVER,
            "no route matches this request",
            "the request's host, path or method is not covered by any route",
            "compare the request's Host and path with routes[].match; the access log shows both"),
    DESTINATION_UNAVAILABLE(503, Retry.ALWAYS,
            "no endpoint of the upstream can take the request",
            "every endpoint is unhealthy, ejected or draining, or the upstream has none",
            "look at the upstream's endpoints and why each one is out of rotation"),
    DESTINATION_IP_UNROUTABLE(502, Retry.ALWAYS,
            "there is no network route to the endpoint",
            "a wrong address, a missing route or interface, or an ICMP 'unreachable' from a router or firewall",
            "check the address and the proxy host's routes (ip route get ADDRESS)"),
    CONNECTION_REFUSED(502, Retry.ALWAYS,
            "the endpoint refused the connection: nothing listens there",
            "the backend is down or restarting, listens on another port, or listens only on another address (127.0.0.1 vs ::1)",
            "check the backend process and the port it listens on (ss -ltnp on the backend host)"),
    CONNECTION_TIMEOUT(504, Retry.ALWAYS,
            "the endpoint did not answer the connection attempt in time",
            "the host is down, or a firewall or security group silently drops the packets",
            "try a TCP connect from the proxy host; a refusal means the host is up, silence means packets are dropped"),
    CONNECTION_TERMINATED(502, Retry.IDEMPOTENT,
            "the upstream closed the connection before a complete response header",
            "the backend crashed or restarted mid-request, or closed an idle keep-alive connection just as it was reused",
            "check the backend's logs at that time; if the connection was reused after a long idle, lower pool.idle_timeout below the backend's keep-alive timeout"),
    CONNECTION_READ_TIMEOUT(504, Retry.NEVER,
            "the upstream went silent in the middle of the response body",
            "the backend stalled while streaming (slow query, lock, GC pause) or the network stopped delivering",
            "check what the backend was doing; raise timeouts.idle only if long pauses mid-body are expected"),
    CONNECTION_LIMIT_REACHED(503, Retry.ALWAYS,
            "the connection pool to the endpoint is full",
            "more concurrent requests than pool.max_connections, often because the backend became slow",
            "look at the endpoint's latency; raise pool.max_connections only if the backend can take more"),
    TLS_PROTOCOL_ERROR(502, Retry.ALWAYS,
            "the TLS handshake with the upstream failed",
            "protocol or cipher mismatch, or the upstream port does not speak TLS",
            "run openssl s_client -connect ADDRESS from the proxy host"),
    TLS_CERTIFICATE_ERROR(502, Retry.ALWAYS,
            "the upstream's TLS certificate was not accepted",
            "an expired certificate, one for another name, or one from an untrusted issuer",
            "inspect the certificate (openssl s_client -connect ADDRESS -servername NAME) and the configured ca and sni"),
    HTTP_RESPONSE_TIMEOUT(504, Retry.IDEMPOTENT,
            "the upstream sent no response header in time",
            "the backend is overloaded, blocked or slow for this request",
            "compare timeouts.response with the backend's latency for this route"),
    HTTP_RESPONSE_INCOMPLETE(502, Retry.NEVER,
            "the upstream closed the connection in the middle of the response body",
            "the backend crashed, was killed or restarted while streaming, or a limit on its side cut the response",
            "check the backend's logs and restarts at that time"),
    HTTP_RESPONSE_HEADER_SECTION_SIZE(502, Retry.IDEMPOTENT,
            "the upstream's response header section is too large",
            "too many or too large cookies or headers set by the backend",
            "inspect the backend's response headers directly"),
    HTTP_PROTOCOL_ERROR(502, Retry.IDEMPOTENT,
            "the upstream's response is not valid HTTP/1.1",
            "the endpoint speaks another protocol (TLS, HTTP/2 only, not HTTP) or sends broken framing",
            "send the same request to the endpoint directly and look at the raw bytes"),
    HTTP_UPGRADE_FAILED(502, Retry.NEVER,
            "the upstream did not switch to the protocol the client asked for (WebSocket)",
            "the backend answered 101 with another protocol in Upgrade, or a handler in front of the app does not speak WebSocket",
            "send the upgrade request to the endpoint directly (candor doctor --url ws://...) and compare its Upgrade header"),
    HTTP_REQUEST_ERROR(400, Retry.NEVER,
            "the client's request was malformed, too slow or too large",
            "a broken or hostile client, or a limit set too low for legitimate traffic",
            "look at the request in the access log and at the limits.* settings"),
    HTTP_REQUEST_DENIED(403, Retry.NEVER,
            "the request was refused by an access rule or a rate limit",
            "the client's address is denied (or not allowed) by the route's access rules, or it sent more requests than the route's rate_limit allows",
            "read the rule or bucket named in the error detail (routes[].access, routes[].rate_limit) and the client_ip Candor believed"),
    PROXY_INTERNAL_ERROR(500, Retry.NEVER,
            "Candor itself failed (a defect)",
            "a bug in Candor",
            "the error log has a stack trace; please report it");

    /** When a request that failed this way may be sent again. */
    public enum Retry {
        /** The failure happens before the request can reach the application: always safe. */
        ALWAYS,
        /** The request may have been delivered: only idempotent methods (RFC 9110 §9.2.2). */
        IDEMPOTENT,
        /** Never: a response was already under way, or the client is at fault. */
        NEVER
    }

    private final int status;
    private final Retry retry;
    private final String summary;
    private final String likelyCauses;
    private final String nextCheck;
    private final String token;

    ErrorType(int status, Retry retry, String summary, String likelyCauses, String nextCheck) {
        this.status = status;
        this.retry = retry;
        this.summary = summary;
        this.likelyCauses = likelyCauses;
        this.nextCheck = nextCheck;
        this.token = name().toLowerCase(Locale.ROOT);
    }

    /** The RFC 9209 name, e.g. {@code connection_refused}. */
    public String token() {
        return token;
    }

    /** The status Candor answers with when this failure ends a request. */
    public int status() {
        return status;
    }

    public Retry retry() {
        return retry;
    }

    /** One sentence: what happened. */
    public String summary() {
        return summary;
    }

    /** The usual reasons, most likely first. */
    public String likelyCauses() {
        return likelyCauses;
    }

    /** The first thing to check. */
    public String nextCheck() {
        return nextCheck;
    }

    /** The constant for an RFC 9209 name, or null. */
    public static ErrorType fromToken(String token) {
        for (ErrorType t : values()) {
            if (t.token.equals(token)) {
                return t;
            }
        }
        return null;
    }
}
