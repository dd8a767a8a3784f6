package dev.candor.observe;

/** The closed vocabulary of what can happen to a request, in the order it usually happens. */
public enum TraceEvent {
    REQUEST_RECEIVED,
    ROUTED,
    ENDPOINT_PICKED,
    POOL_WAIT,
    /** The upstream had no address yet: the request waited for a name's first DNS lookup; the note names it. */
    DNS_WAIT,
    CONNECTION_NEW,
    CONNECTION_REUSED,
    CONNECT_FAILED,
    REQUEST_SENT,
    REQUEST_BODY_SENT,
    RESPONSE_HEADERS,
    RESPONSE_END,
    UPSTREAM_CLOSED,
    UPSTREAM_RESET,
    UPSTREAM_MALFORMED,
    TIMEOUT,
    RETRY,
    LOCAL_REPLY,
    RESPONSE_CUT,
    CLIENT_CLOSED,
    /** A 101 turned both connections into a byte tunnel. */
    TUNNEL_OPENED,
    /** The tunnel ended; the note says who closed it. */
    TUNNEL_CLOSED
}
