package dev.candor.balance;

/**
 * What one pick knows about the request and the candidates: which candidates may be chosen now (healthy,
 * not ejected, not draining, not already tried by this request), how loaded each one is, and the hash
 * key for the consistent-hash policies. Implemented by the proxy per attempt; must be cheap.
 */
public interface Selection<T> {

    /** Whether {@code candidate} may take this attempt. */
    boolean usable(T candidate);

    /** Requests in flight to {@code candidate} right now (for least_request). */
    int inFlight(T candidate);

    /**
     * The request's key for the hash policies (client address, header or cookie value), or null when the
     * request has none — the hash policies then fall back to a random usable candidate.
     */
    CharSequence hashKey();
}
