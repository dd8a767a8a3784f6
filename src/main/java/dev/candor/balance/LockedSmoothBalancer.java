package dev.candor.balance;

import java.util.List;

/**
 * Smooth weighted round robin stepped under a lock, for weights whose period is too long to
 * precompute; the lock is held for one pass over the candidates.
 */
final class LockedSmoothBalancer<T> implements Balancer<T> {

    private final List<T> candidates;
    private final SmoothWeights weights;

    LockedSmoothBalancer(List<T> candidates, SmoothWeights weights) {
        this.candidates = candidates;
        this.weights = weights;
    }

    @Override
    public T pick() {
        int index;
        synchronized (weights) {
            index = weights.next();
        }
        return candidates.get(index);
    }

    /** Calls {@code selection} under the lock, once per candidate; it is cheap by contract. */
    @Override
    public T pick(Selection<T> selection) {
        int index;
        synchronized (weights) {
            index = weights.next(candidates, selection);
        }
        return index < 0 ? null : candidates.get(index);
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }

    @Override
    public String toString() {
        return "LockedSmoothBalancer" + candidates;
    }
}
