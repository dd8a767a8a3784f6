package dev.candor.observe;

import java.time.Instant;

/**
 * Where the request path reads the time: a monotonic clock for durations and deadlines, a wall clock for
 * timestamps. Injected, so timing logic (deadlines, tunnel idleness, traces) is tested with a fake one.
 */
public interface Ticker {
    /** The system's clocks: {@link System#nanoTime()} and {@link Instant#now()}. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };

    /** Monotonic nanoseconds, comparable only with each other. */
    long nanoTime();

    /** The wall-clock time. */
    Instant now();
}
