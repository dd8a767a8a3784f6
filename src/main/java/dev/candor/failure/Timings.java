package dev.candor.failure;

/**
 * When an attempt reached each step, in milliseconds since the request arrived; null for a step it
 * never reached.
 *
 * @param connectMs time the TCP connect took (null when a pooled connection was reused)
 */
public record Timings(Double acquiredMs, Double connectMs, Double sentMs, Double firstByteMs, Double endMs) {
}
