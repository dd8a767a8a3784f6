package dev.candor.balance;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/** Picks at random, each candidate with probability weight / total weight. */
final class WeightedRandomBalancer<T> implements Balancer<T> {

    private final List<T> candidates;
    // cumulative[i] is the sum of the weights of candidates 0..i, so a draw in [0, total) maps to
    // the first candidate whose running sum exceeds it
    private final long[] cumulative;
    private final RandomGenerator random;

    WeightedRandomBalancer(List<T> candidates, int[] weights, RandomGenerator random) {
        this.candidates = candidates;
        this.cumulative = new long[weights.length];
        long sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        this.random = random;
    }

    @Override
    public T pick() {
        int size = cumulative.length;
        if (size == 0) {
            return null;
        }
        long draw = random.nextLong(cumulative[size - 1]);
        int found = Arrays.binarySearch(cumulative, draw);
        // an exact hit is the first value of the next candidate's range
        return candidates.get(found >= 0 ? found + 1 : -found - 1);
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }

    @Override
    public String toString() {
        return "WeightedRandomBalancer" + candidates;
    }
}
