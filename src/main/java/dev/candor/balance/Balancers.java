package dev.candor.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

import dev.candor.config.BalancerConfig;

import static java.util.Objects.requireNonNull;

/** Creates balancers. Every balancer copies its list, and returns null from pick() when it is empty. */
public final class Balancers {

    private Balancers() {
    }

    /** Each candidate in turn, ignoring weights. */
    public static <T> Balancer<T> roundRobin(List<T> items) {
        List<T> candidates = List.copyOf(requireNonNull(items, "items"));
        return new RoundRobinBalancer<>(candidates, candidates);
    }

    /**
     * Smooth weighted round robin, as nginx does it: weights 5, 1, 1 give {@code a a b a c a a}, so
     * a heavy endpoint's turns are spread out instead of sent in a burst.
     *
     * @throws IllegalArgumentException when a weight is below 1
     */
    public static <T> Balancer<T> weightedRoundRobin(List<T> items, ToIntFunction<? super T> weight) {
        List<T> candidates = List.copyOf(requireNonNull(items, "items"));
        SmoothWeights weights = SmoothWeights.of(weightsOf(candidates, weight));
        if (weights.period() <= SmoothWeights.MAX_PRECOMPUTED_PERIOD) {
            return new RoundRobinBalancer<>(candidates, weights.onePeriod(candidates));
        }
        return new LockedSmoothBalancer<>(candidates, weights);
    }

    /**
     * Picks at random with probability proportional to weight. {@code random} is called from every
     * event loop at once, so it must be safe for concurrent use (e.g. {@link java.util.Random}).
     *
     * @throws IllegalArgumentException when a weight is below 1
     */
    public static <T> Balancer<T> random(List<T> items, ToIntFunction<? super T> weight, RandomGenerator random) {
        List<T> candidates = List.copyOf(requireNonNull(items, "items"));
        return new WeightedRandomBalancer<>(
                candidates, CumulativeWeights.of(weightsOf(candidates, weight)), requireNonNull(random, "random"));
    }

    /**
     * Least request by the power of two choices: of two distinct usable candidates drawn by weight, the
     * one with fewer requests in flight per unit of weight. {@code random} must be safe for concurrent use.
     *
     * @throws IllegalArgumentException when a weight is below 1
     */
    public static <T> Balancer<T> leastRequest(List<T> items, ToIntFunction<? super T> weight, RandomGenerator random) {
        List<T> candidates = List.copyOf(requireNonNull(items, "items"));
        return new LeastRequestBalancer<>(
                candidates, CumulativeWeights.of(weightsOf(candidates, weight)), requireNonNull(random, "random"));
    }

    /**
     * Consistent hashing of {@link Selection#hashKey()} on a ring of {@value HashRing#POINTS_PER_WEIGHT}
     * points per unit of weight, placed by {@code identity} (an endpoint's address text), so a key stays
     * on its candidate when others are added or removed. Requests without a key go to a random usable
     * candidate, drawn by weight from {@code random}, which must be safe for concurrent use.
     *
     * @throws IllegalArgumentException when a weight is below 1
     */
    public static <T> Balancer<T> consistentHash(
            List<T> items, ToIntFunction<? super T> weight, Function<? super T, String> identity, RandomGenerator random) {
        List<T> candidates = List.copyOf(requireNonNull(items, "items"));
        requireNonNull(identity, "identity");
        int[] weights = weightsOf(candidates, weight);
        List<String> identities = new ArrayList<>(candidates.size());
        for (T candidate : candidates) {
            identities.add(requireNonNull(identity.apply(candidate), "identity"));
        }
        return new ConsistentHashBalancer<>(
                candidates, HashRing.of(identities, weights), CumulativeWeights.of(weights), requireNonNull(random, "random"));
    }

    /**
     * The balancer a config names; weights come from {@code weight}, ring positions for the hash
     * policies from {@code identity} (an endpoint's address text), randomness from {@code random}.
     */
    public static <T> Balancer<T> create(BalancerConfig config, List<T> items, ToIntFunction<? super T> weight,
                                         Function<? super T, String> identity, RandomGenerator random) {
        requireNonNull(config, "config");
        return switch (config.kind()) {
            // round_robin honours weights as nginx, HAProxy and Envoy do; with equal weights smooth
            // weighted round robin is exactly plain round robin, so nothing is lost
            case ROUND_ROBIN, WEIGHTED_ROUND_ROBIN -> weightedRoundRobin(items, weight);
            case RANDOM -> random(items, weight, random);
            case LEAST_REQUEST -> leastRequest(items, weight, random);
            // the proxy extracts the key (client address, header or cookie value); hashing it is the same
            case IP_HASH, HEADER_HASH, COOKIE_HASH -> consistentHash(items, weight, identity, random);
        };
    }

    /** As {@link #create(BalancerConfig, List, ToIntFunction, Function, RandomGenerator)}, identifying candidates by {@code String.valueOf}. */
    public static <T> Balancer<T> create(
            BalancerConfig config, List<T> items, ToIntFunction<? super T> weight, RandomGenerator random) {
        return create(config, items, weight, String::valueOf, random);
    }

    private static <T> int[] weightsOf(List<T> candidates, ToIntFunction<? super T> weight) {
        requireNonNull(weight, "weight");
        int[] weights = new int[candidates.size()];
        for (int i = 0; i < weights.length; i++) {
            T candidate = candidates.get(i);
            weights[i] = weight.applyAsInt(candidate);
            if (weights[i] < 1) {
                throw new IllegalArgumentException("weight of " + candidate + ": " + weights[i] + " (expected: >= 1)");
            }
        }
        return weights;
    }
}
