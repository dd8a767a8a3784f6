package dev.candor.proxy;

import dev.candor.failure.Cause;

/**
 * How an attempt (or the exchange) failed: the classified cause, the one-line detail for the log and
 * the evidence, and the configured limit that was hit, if one was.
 */
record Fault(Cause cause, String detail, String limit) {

    Fault(Cause cause, String detail) {
        this(cause, detail, null);
    }

    /** The same fault with more said after the detail. */
    Fault explained(String more) {
        return new Fault(cause, detail + more, limit);
    }
}
