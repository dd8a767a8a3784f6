package dev.candor.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Least request by the power of two choices (Mitzenmacher; Envoy's {@code LEAST_REQUEST}): draw two
 * distinct usable candidates and take the one with fewer requests in flight, the first drawn on a tie.
 * Two random choices avoid the herd that "the least loaded of all" sends to one endpoint from every
 * event loop at once, and cost two draws instead of a scan.
 *
 * <p>Weights count twice, as HAProxy's {@code leastconn} counts them: candidates are drawn with
 * probability proportional to weight, and compared by requests in flight per unit of weight. An idle
 * upstream then follows the weights, and a busy one settles with loads in proportion to them; with
 * equal weights this is plain two-choice least request.
 */
final class LeastRequestBalancer<T> implements Balancer<T> {

    private final List<T> candidates;
    private final CumulativeWeights weights;
    private final RandomGenerator random;

    LeastRequestBalancer(List<T> candidates, CumulativeWeights weights, RandomGenerator random) {
        this.candidates = candidates;
        this.weights = weights;
        this.random = random;
    }

    /** As if every candidate were usable and idle: the first draw wins the tie. */
    @Override
    public T pick() {
        return candidates.isEmpty() ? null : candidates.get(weights.draw(random));
    }

    @Override
    public T pick(Selection<T> selection) {
        int first = weights.drawUsable(candidates, selection, random, -1);
        if (first < 0) {
            return null;
        }
        int second = weights.drawUsable(candidates, selection, random, first);
        if (second < 0) {
            return candidates.get(first);
        }
        T a = candidates.get(first);
        T b = candidates.get(second);
        // inFlight(b) / weight(b) < inFlight(a) / weight(a), multiplied out to stay exact
        boolean secondLessLoaded = selection.inFlight(b) * weights.weight(first) < selection.inFlight(a) * weights.weight(second);
        return secondLessLoaded ? b : a;
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }

    @Override
    public String toString() {
        return "LeastRequestBalancer" + candidates;
    }
}
