package dev.candor.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Running sums of the candidates' weights, for drawing a candidate with probability proportional to
 * its weight, over all candidates or over the usable ones. Immutable, so shared by every event loop.
 */
final class CumulativeWeights {

    // running[i] is the sum of the weights of candidates 0..i, so a draw in [0, total) maps to the
    // first candidate whose running sum exceeds it
    private final long[] running;

    private CumulativeWeights(long[] running) {
        this.running = running;
    }

    static CumulativeWeights of(int[] weights) {
        long[] running = new long[weights.length];
        long sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            running[i] = sum;
        }
        return new CumulativeWeights(running);
    }

    int size() {
        return running.length;
    }

    long weight(int index) {
        return running[index] - start(index);
    }

    /** The index of a candidate drawn by weight from all of them; the list must not be empty. */
    int draw(RandomGenerator random) {
        return indexOf(random.nextLong(running[running.length - 1]));
    }

    /**
     * The index of a candidate drawn by weight from the usable ones other than {@code excluded} (-1 for
     * none), or -1 when there is none. One draw over all of them, and only if that lands on an unusable
     * one a second draw over the usable ones: a candidate is then chosen with probability w/W + (W - U)/W
     * * w/U = w/U, exactly its share of the usable weight U, in one binary search and at most two passes.
     */
    <T> int drawUsable(List<T> candidates, Selection<T> selection, RandomGenerator random, int excluded) {
        if (running.length == 0) {
            return -1;
        }
        long total = running[running.length - 1];
        long draw;
        if (excluded < 0) {
            draw = random.nextLong(total);
        } else if (total == weight(excluded)) {
            return -1;
        } else {
            // draw over the others and step over the excluded candidate's range
            draw = random.nextLong(total - weight(excluded));
            draw += draw >= start(excluded) ? weight(excluded) : 0;
        }
        int index = indexOf(draw);
        if (selection.usable(candidates.get(index))) {
            return index;
        }
        long usable = 0;
        for (int i = 0; i < running.length; i++) {
            if (i != excluded && selection.usable(candidates.get(i))) {
                usable += weight(i);
            }
        }
        if (usable == 0) {
            return -1;
        }
        long remaining = random.nextLong(usable);
        int last = -1;
        for (int i = 0; i < running.length; i++) {
            if (i != excluded && selection.usable(candidates.get(i))) {
                last = i;
                remaining -= weight(i);
                if (remaining < 0) {
                    return i;
                }
            }
        }
        // usability is read live, so a candidate can drop out between the passes; -1 only if all did
        return last;
    }

    private long start(int index) {
        return index == 0 ? 0 : running[index - 1];
    }

    private int indexOf(long draw) {
        int low = 0;
        int high = running.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (running[middle] > draw) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }
}
