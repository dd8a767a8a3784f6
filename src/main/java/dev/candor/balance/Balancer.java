package dev.candor.balance;

import java.util.List;

/** Chooses the endpoint for each attempt; thread-safe and allocation-free, as every event loop picks at once. */
public interface Balancer<T> {

    /** Picks one of the candidates; never null when the balancer has at least one candidate. */
    T pick();

    /**
     * Picks a candidate that {@code selection} finds usable, following the policy as closely as the
     * usable subset allows; null when none is usable.
     */
    T pick(Selection<T> selection);

    /** The fixed candidates, in their original order; a changed endpoint set means a new balancer. */
    List<T> candidates();
}
