package dev.candor.failure;

/**
 * When an attempt reached each step, in milliseconds since the request arrived; null for a step it
 * never reached.
 *
 * @param connectMs time the TCP connect took (null when a pooled connection was reused)
 * @param tlsMs time the TLS handshake took, or ran until it failed (null without TLS or on a reused connection)
 */
public record Timings(Double acquiredMs, Double connectMs, Double tlsMs, Double sentMs, Double firstByteMs, Double endMs) {

    /** Timings of a plain-HTTP attempt. */
    public Timings(Double acquiredMs, Double connectMs, Double sentMs, Double firstByteMs, Double endMs) {
        this(acquiredMs, connectMs, null, sentMs, firstByteMs, endMs);
    }
}
