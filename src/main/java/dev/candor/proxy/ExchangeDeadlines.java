package dev.candor.proxy;

/**
 * The two upstream deadlines of one exchange, kept as plain numbers: the response head is due by
 * {@code timeouts.response} (or {@code retries.per_try_timeout}) after the request went out, and once the
 * head is sent no side may stay silent for {@code timeouts.idle}. Nothing here schedules a timer: the
 * client connection's one periodic check ({@link ClientTimeoutHandler}) asks {@link #expired} and
 * {@link #nanosUntilNext}. Times are {@link System#nanoTime()} values.
 */
final class ExchangeDeadlines {
    /** Which deadline passed. */
    enum Expired { NONE, RESPONSE, IDLE }

    /** When the response head is due, or 0 when none is awaited. */
    private long responseDueNanos;
    /** timeouts.idle while it is enforced, else 0. */
    private long idleNanos;
    private long lastActivityNanos;

    /** Starts waiting for the response head, unless already waiting or {@code timeoutNanos} is 0 (off). */
    void awaitResponse(long timeoutNanos, long now) {
        if (timeoutNanos > 0 && responseDueNanos == 0) {
            responseDueNanos = now + timeoutNanos;
        }
    }

    /** The response head arrived, or the attempt ended. */
    void responseArrived() {
        responseDueNanos = 0;
    }

    /** Enforces {@code timeoutNanos} of silence from now on (0: never). */
    void enforceIdle(long timeoutNanos, long now) {
        idleNanos = timeoutNanos;
        lastActivityNanos = now;
    }

    long idleNanos() {
        return idleNanos;
    }

    /** Bytes moved: the idle clock starts again. */
    void activity(long now) {
        lastActivityNanos = now;
    }

    /** Neither deadline applies any more. */
    void clear() {
        responseDueNanos = 0;
        idleNanos = 0;
    }

    /**
     * Which deadline has passed at {@code now}; the response deadline first, and then it is spent.
     * While the head is awaited, silence is not idleness: the response deadline governs it.
     */
    Expired expired(long now, boolean awaitingHead) {
        if (responseDueNanos != 0 && now - responseDueNanos >= 0) {
            responseDueNanos = 0;
            return Expired.RESPONSE;
        }
        if (idleNanos > 0 && !awaitingHead && now - lastActivityNanos >= idleNanos) {
            return Expired.IDLE;
        }
        return Expired.NONE;
    }

    /** Nanoseconds until the next deadline (none has passed), or {@link Long#MAX_VALUE}. */
    long nanosUntilNext(long now, boolean awaitingHead) {
        long next = Long.MAX_VALUE;
        if (responseDueNanos != 0) {
            next = responseDueNanos - now;
        }
        if (idleNanos > 0 && !awaitingHead) {
            next = Math.min(next, idleNanos - (now - lastActivityNanos));
        }
        return next;
    }
}
