package dev.candor.balance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of a consistent-hash ring (Karger et al., 1997), each owned by one candidate. A point is
 * the hash of the candidate's identity and a replica number, never of its position in the list, so a
 * candidate keeps its points when others come or go and only the keys of the changed one move.
 */
final class HashRing {

    /** Points per unit of weight: enough that each candidate's share of keys is within a few percent. */
    static final int POINTS_PER_WEIGHT = 160;
    /** The most points a ring holds (3 MiB); beyond, weights are scaled down to fit. */
    static final int MAX_POINTS = 1 << 18;

    // sorted, and owners[i] is the candidate that owns hashes[i]
    private final long[] hashes;
    private final int[] owners;

    private HashRing(long[] hashes, int[] owners) {
        this.hashes = hashes;
        this.owners = owners;
    }

    /**
     * A ring with {@value #POINTS_PER_WEIGHT} points per unit of weight. Above {@value #MAX_POINTS}
     * points in all each candidate gets its share of that many (at least one), so adding a candidate
     * to such a ring can also move keys between the others.
     */
    static HashRing of(List<String> identities, int[] weights) {
        long totalWeight = Arrays.stream(weights).asLongStream().sum();
        boolean scaled = totalWeight * POINTS_PER_WEIGHT > MAX_POINTS;
        int[] replicas = new int[weights.length];
        int size = 0;
        for (int i = 0; i < weights.length; i++) {
            replicas[i] = scaled ? (int) Math.max(1, weights[i] * (long) MAX_POINTS / totalWeight) : weights[i] * POINTS_PER_WEIGHT;
            size += replicas[i];
        }
        long[] pointHashes = new long[size];
        int[] pointOwners = new int[size];
        // the same identity twice is two candidates that need points of their own
        Map<String, Integer> occurrences = new HashMap<>();
        int point = 0;
        for (int i = 0; i < weights.length; i++) {
            int occurrence = occurrences.merge(identities.get(i), 1, Integer::sum) - 1;
            String suffix = occurrence == 0 ? "" : "/" + occurrence;
            for (int replica = 0; replica < replicas[i]; replica++) {
                pointHashes[point] = XxHash64.hash(identities.get(i) + "#" + replica + suffix);
                pointOwners[point] = i;
                point++;
            }
        }
        Integer[] order = new Integer[size];
        Arrays.setAll(order, p -> p);
        // owners break the (2^-64 rare) tie between equal hashes, so the ring is the same for any order
        Arrays.sort(order, Comparator.<Integer>comparingLong(p -> pointHashes[p]).thenComparingInt(p -> pointOwners[p]));
        long[] hashes = new long[size];
        int[] owners = new int[size];
        for (int p = 0; p < size; p++) {
            hashes[p] = pointHashes[order[p]];
            owners[p] = pointOwners[order[p]];
        }
        return new HashRing(hashes, owners);
    }

    int size() {
        return hashes.length;
    }

    /** The candidate that owns {@code point}. */
    int owner(int point) {
        return owners[point];
    }

    /** The first point at or after {@code hash} going clockwise, wrapping past the last; ring not empty. */
    int pointFor(long hash) {
        int low = 0;
        int high = hashes.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (hashes[middle] < hash) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low == hashes.length ? 0 : low;
    }

    /** The point after {@code point}, clockwise. */
    int next(int point) {
        return point + 1 == hashes.length ? 0 : point + 1;
    }
}
