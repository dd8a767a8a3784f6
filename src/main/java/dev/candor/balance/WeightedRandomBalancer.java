package dev.candor.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/** Picks at random, each candidate with probability weight / total weight (of the usable ones). */
final class WeightedRandomBalancer<T> implements Balancer<T> {

    private final List<T> candidates;
    private final CumulativeWeights weights;
    private final RandomGenerator random;

    WeightedRandomBalancer(List<T> candidates, CumulativeWeights weights, RandomGenerator random) {
        this.candidates = candidates;
        this.weights = weights;
        this.random = random;
    }

    @Override
    public T pick() {
        return candidates.isEmpty() ? null : candidates.get(weights.draw(random));
    }

    @Override
    public T pick(Selection<T> selection) {
        int index = weights.drawUsable(candidates, selection, random, -1);
        return index < 0 ? null : candidates.get(index);
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
