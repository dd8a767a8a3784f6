package dev.candor.failure;

/** Who ended an exchange that failed. */
public enum Actor {
    /** The client: malformed, too slow, too large, or it went away. */
    CLIENT,
    /** Candor itself: a limit, a timeout, no route, no endpoint. */
    PROXY,
    /** The network between Candor and the endpoint: no route, packets dropped. */
    NETWORK,
    /** The upstream: refused, closed, reset, or answered something that is not valid HTTP. */
    UPSTREAM;

    public String token() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
