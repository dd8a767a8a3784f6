package dev.candor.failure;

/** Where in the life of a request a failure happened, in the order an exchange goes through them. */
public enum Phase {
    /** Reading and checking the client's request. */
    CLIENT_REQUEST,
    /** Finding the route for the request. */
    ROUTE,
    /** Choosing an endpoint of the upstream. */
    SELECT,
    /** Resolving the endpoint's host name. */
    RESOLVE,
    /** Waiting for a free connection in a full pool. */
    QUEUE,
    /** Opening the TCP connection. */
    CONNECT,
    /** The TLS handshake with the upstream. */
    TLS,
    /** Writing the request head and body to the upstream. */
    SEND,
    /** Waiting for the response header after the request was sent. */
    AWAIT_HEADERS,
    /** Relaying the response body. */
    RECEIVE_BODY;

    public String token() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
