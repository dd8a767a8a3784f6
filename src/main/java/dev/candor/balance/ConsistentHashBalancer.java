package dev.candor.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Sends each request key (client address, header or cookie value) to the same candidate for as long as
 * that candidate is usable: the owner of the first ring point at or after the key's hash, or, when it
 * is unusable, the next usable owner clockwise, which is where the key would go if the candidate were
 * removed. Requests without a key are spread at random by weight.
 */
final class ConsistentHashBalancer<T> implements Balancer<T> {

    private final List<T> candidates;
    private final HashRing ring;
    private final CumulativeWeights weights;
    private final RandomGenerator random;

    ConsistentHashBalancer(List<T> candidates, HashRing ring, CumulativeWeights weights, RandomGenerator random) {
        this.candidates = candidates;
        this.ring = ring;
        this.weights = weights;
        this.random = random;
    }

    /** Without a key: a candidate at random by weight. */
    @Override
    public T pick() {
        return candidates.isEmpty() ? null : candidates.get(weights.draw(random));
    }

    @Override
    public T pick(Selection<T> selection) {
        CharSequence key = selection.hashKey();
        if (key == null) {
            int index = weights.drawUsable(candidates, selection, random, -1);
            return index < 0 ? null : candidates.get(index);
        }
        if (ring.size() == 0) {
            return null;
        }
        int point = ring.pointFor(XxHash64.hash(key));
        int previous = -1;
        int refused = 0;
        for (int step = 0; step < ring.size(); step++, point = ring.next(point)) {
            int owner = ring.owner(point);
            if (owner == previous) {
                continue;
            }
            T candidate = candidates.get(owner);
            if (selection.usable(candidate)) {
                return candidate;
            }
            previous = owner;
            // when every candidate is down, say so after n refusals instead of walking the whole ring
            if (++refused == candidates.size() && noneUsable(selection)) {
                return null;
            }
        }
        return null;
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }

    @Override
    public String toString() {
        return "ConsistentHashBalancer" + candidates;
    }

    private boolean noneUsable(Selection<T> selection) {
        for (T candidate : candidates) {
            if (selection.usable(candidate)) {
                return false;
            }
        }
        return true;
    }
}
