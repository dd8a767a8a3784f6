package dev.candor.doctor;

import static java.util.Objects.requireNonNull;

/**
 * One step of the closing plan, contributed by a failing or warning check.
 *
 * @param rank where it goes: what blocks everything (DNS, a dead backend) comes before what tunes
 * @param restart whether the step restarts or starts a backend, after which the proxy's pools should be
 *                flushed (backend first, then the proxy)
 */
public record Step(Rank rank, String text, boolean restart) {

    /** The order in which fixes are worth making. */
    public enum Rank {
        DNS, BACKEND, NETWORK, ROUTE, TIMEOUT, POOL, HEALTH, LOGS
    }

    public Step {
        requireNonNull(rank, "rank");
        requireNonNull(text, "text");
    }

    public static Step of(Rank rank, String text) {
        return new Step(rank, text, false);
    }

    public static Step restart(String text) {
        return new Step(Rank.BACKEND, text, true);
    }
}
