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
        return cycle.get(position(next.getAndIncrement(), size));
    }

    /**
     * Takes the first usable step of the cycle from the counter on and moves the counter past it, so
     * the skipped steps are consumed too: with one of three unusable the other two get exactly half
     * each, and in a weighted cycle the usable candidates keep their relative weights. Lock-free: a
     * pick retries only when another pick moved the counter first, and each try probes at most one
     * cycle.
     */
    @Override
    public T pick(Selection<T> selection) {
        int size = cycle.size();
        retry:
        while (true) {
            long start = next.get();
            for (int probe = 0; probe < size; probe++) {
                T candidate = cycle.get(position(start + probe, size));
                if (selection.usable(candidate)) {
                    if (next.compareAndSet(start, start + probe + 1)) {
                        return candidate;
                    }
                    continue retry;
                }
            }
            return null;
        }
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }

    @Override
    public String toString() {
        return "RoundRobinBalancer" + candidates;
    }

    private static int position(long step, int size) {
        return (int) Long.remainderUnsigned(step, size);
    }
}
