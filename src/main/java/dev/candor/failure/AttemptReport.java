package dev.candor.failure;

/**
 * One try of a request against one endpoint, and how it ended.
 *
 * @param endpoint the endpoint as configured ({@code host:port})
 * @param address the address actually connected to ({@code ip:port}), or null when no connection was made
 * @param status the status the upstream answered, or null when it did not answer
 * @param cause why it failed, or null when it succeeded
 * @param detail one human line about the failure, or null
 * @param connection the connection it used, or null when none was obtained
 * @param transparent true for the automatic retry after a stale pooled connection
 */
public record AttemptReport(int number, String endpoint, String address, Integer status, Cause cause, String detail,
                      ConnectionFacts connection, Timings timings, boolean transparent) {

    /** The error type of this attempt, or null when it succeeded. */
    public ErrorType error() {
        return cause == null ? null : cause.type();
    }
}
