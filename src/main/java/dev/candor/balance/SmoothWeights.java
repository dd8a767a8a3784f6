package dev.candor.balance;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of nginx's smooth weighted round robin, stepped by one thread at a time: each step adds
 * every weight to its running score, picks the highest score (first on ties) and takes the total
 * weight off the winner.
 */
final class SmoothWeights {

    /** The longest period the balancer precomputes instead of stepping under a lock. */
    // After sum(weights) steps every candidate has won exactly weight times and every score is back
    // to zero, so the sequence repeats with that period. Precomputing one period lets the balancer
    // walk it with an atomic counter, as round robin does: exact under concurrency, lock-free and
    // allocation-free. 16384 references cost at most 64 KiB per upstream.
    static final int MAX_PRECOMPUTED_PERIOD = 1 << 14;

    private final int[] weights;
    private final long total;
    private final long[] scores;

    private SmoothWeights(int[] weights, long total) {
        this.weights = weights;
        this.total = total;
        this.scores = new long[weights.length];
    }

    /** Weights divided by their greatest common divisor: 10, 20 and 1, 2 are the same sequence. */
    static SmoothWeights of(int[] weights) {
        int gcd = 0;
        for (int w : weights) {
            gcd = gcd(gcd, w);
        }
        long total = 0;
        int[] reduced = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            reduced[i] = weights[i] / gcd;
            total += reduced[i];
        }
        return new SmoothWeights(reduced, total);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The number of steps after which the sequence repeats. */
    long period() {
        return total;
    }

    /** The index of the next candidate. */
    int next() {
        int best = 0;
        for (int i = 0; i < weights.length; i++) {
            scores[i] += weights[i];
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        scores[best] -= total;
        return best;
    }

    /**
     * The index of the next usable candidate, or -1 when none is: nginx's own step, which leaves the
     * unusable candidates' scores alone and takes only the usable weight off the winner, so the usable
     * candidates share the turns by their weights. With all usable it is exactly {@link #next()}.
     */
    <T> int next(List<T> candidates, Selection<T> selection) {
        int best = -1;
        long usableTotal = 0;
        for (int i = 0; i < weights.length; i++) {
            if (selection.usable(candidates.get(i))) {
                scores[i] += weights[i];
                usableTotal += weights[i];
                if (best < 0 || scores[i] > scores[best]) {
                    best = i;
                }
            }
        }
        if (best >= 0) {
            scores[best] -= usableTotal;
        }
        return best;
    }

    /** One full period as candidates, from the zero state (which it leaves this object in again). */
    <T> List<T> onePeriod(List<T> candidates) {
        List<T> cycle = new ArrayList<>((int) total);
        for (long step = 0; step < total; step++) {
            cycle.add(candidates.get(next()));
        }
        return List.copyOf(cycle);
    }
}
