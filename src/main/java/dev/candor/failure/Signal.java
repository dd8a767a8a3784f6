package dev.candor.failure;

/** What was observed when an exchange failed: the closed vocabulary the error type is derived from. */
public enum Signal {
    /** No route matched the request. */
    NO_ROUTE,
    /** The upstream had no endpoint that could take the request. */
    NO_ENDPOINT,
    /** The DNS lookup did not complete in time. */
    DNS_TIMEOUT,
    /** The DNS lookup failed (NXDOMAIN, SERVFAIL, REFUSED, ...). */
    DNS_FAILURE,
    /** The pool to the endpoint stayed full for the whole wait. */
    POOL_FULL,
    /** A TCP RST answered the SYN: nothing listens on that address and port. */
    REFUSED,
    /** The SYN went unanswered until the connect timeout. */
    NO_ANSWER,
    /** The kernel has no route to the address (EHOSTUNREACH, ENETUNREACH). */
    UNREACHABLE,
    /** The TLS handshake failed on protocol grounds. */
    TLS_HANDSHAKE,
    /** The upstream's certificate was refused. */
    TLS_CERTIFICATE,
    /** The peer closed the connection (FIN). */
    CLOSED,
    /** The peer reset the connection (RST), or a write found it already closed. */
    RESET,
    /** A configured timeout elapsed. */
    TIMED_OUT,
    /** The upstream's bytes are not a valid HTTP/1.1 response. */
    MALFORMED,
    /** The upstream answered with a TLS record: the port expects HTTPS. */
    TLS_RECORD,
    /** The upstream answered with the HTTP/2 connection preface: it speaks only h2. */
    HTTP2_PREFACE,
    /** The upstream switched to another protocol than the one asked for, or the switch cannot be carried. */
    UPGRADE_FAILED,
    /** The upstream's response header section is larger than Candor accepts. */
    HEADER_TOO_LARGE,
    /** The client's request was malformed, too large or too slow. */
    CLIENT_FAULT,
    /** An access rule or rate limit refused the request. */
    DENIED,
    /** A defect in Candor. */
    DEFECT
}
