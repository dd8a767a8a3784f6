package dev.candor.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Walks a fixed cycle of candidates with one shared counter: plain round robin when the cycle is
 * the candidate list, smooth weighted round robin when it is one precomputed period.
 */
final class RoundRobinBalancer<T> implements Balancer<T> {

    private final List<T> candidates;
    private final List<T> cycle;
    // a long never wraps in practice, so the cycle never skips or repeats a step
    private final AtomicLong next = new AtomicLong();

    RoundRobinBalancer(List<T> candidates, List<T> cycle) {
        this.candidates = candidates;
        this.cycle = cycle;
    }

    @Override
    public T pick() {
        int size = cycle.size();
        if (size == 0) {
            return null;
        }
        return cycle.get((int) Long.remainderUnsigned(next.getAndIncrement(), size));
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }

    @Override
    public String toString() {
        return "RoundRobinBalancer" + candidates;
    }
}
