package dev.candor.balance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static dev.candor.balance.RoundRobinBalancerTest.pickConcurrently;
import static dev.candor.balance.RoundRobinBalancerTest.picks;
import static dev.candor.balance.WeightedRoundRobinBalancerTest.counts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConsistentHashBalancerTest {

    private static final int KEY_COUNT = 100_000;
    private static final List<String> KEYS = IntStream.range(0, KEY_COUNT)
            .mapToObj(i -> "10." + (i >> 16) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF))
            .toList();
    private static final List<String> TEN = endpoints(10);

    @Test
    void theSameKeyAlwaysGoesToTheSameCandidate() {
        Balancer<String> balancer = hashing(TEN);
        Selection<String> selection = FakeSelection.<String>all().withKey("198.51.100.23");

        assertThat(picks(balancer, selection, 100)).containsOnly(balancer.pick(selection));
        assertThat(hashing(TEN).pick(selection)).isEqualTo(balancer.pick(selection));
    }

    @Test
    void keysSpreadEvenlyOverEqualWeights() {
        Map<String, Long> counts = counts(new ArrayList<>(assign(hashing(TEN), FakeSelection.all()).values()));

        assertThat(counts).hasSize(10);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count / (double) KEY_COUNT).isCloseTo(0.1, within(0.025)));
    }

    @Test
    void removingOneOfTenMovesOnlyItsKeysAboutATenth() {
        Map<String, String> before = assign(hashing(TEN), FakeSelection.all());
        String removed = TEN.get(3);
        List<String> nine = new ArrayList<>(TEN);
        nine.remove(removed);
        Map<String, String> after = assign(hashing(nine), FakeSelection.all());

        assertThat(movedShare(before, after)).isBetween(0.07, 0.13);
        assertThat(before.keySet()).filteredOn(key -> !before.get(key).equals(removed))
                .allMatch(key -> after.get(key).equals(before.get(key)), "stays where it was");
    }

    @Test
    void addingAnEleventhMovesAboutAnEleventhOfTheKeysAllToIt() {
        Map<String, String> before = assign(hashing(TEN), FakeSelection.all());
        List<String> eleven = endpoints(11);
        String added = eleven.get(10);
        Map<String, String> after = assign(hashing(eleven), FakeSelection.all());

        assertThat(movedShare(before, after)).isBetween(0.06, 0.125);
        assertThat(before.keySet()).filteredOn(key -> !after.get(key).equals(before.get(key)))
                .allMatch(key -> after.get(key).equals(added), "moved to the added endpoint");
    }

    @Test
    void anUnusableCandidatesKeysGoWhereTheyWouldIfItWereRemoved() {
        String down = TEN.get(7);
        List<String> nine = new ArrayList<>(TEN);
        nine.remove(down);

        assertThat(assign(hashing(TEN), FakeSelection.<String>all().without(down)))
                .isEqualTo(assign(hashing(nine), FakeSelection.all()));
    }

    @Test
    void theOrderOfTheCandidatesDoesNotMatter() {
        List<String> shuffled = new ArrayList<>(TEN);
        Collections.shuffle(shuffled, new Random(1));

        assertThat(assign(hashing(shuffled), FakeSelection.all())).isEqualTo(assign(hashing(TEN), FakeSelection.all()));
    }

    @Test
    void theOrderOfTheKeysDoesNotMatter() {
        Balancer<String> balancer = hashing(TEN);
        Map<String, String> forward = assign(balancer, FakeSelection.all());
        Map<String, String> backward = new HashMap<>();
        for (int i = KEY_COUNT - 1; i >= 0; i--) {
            String key = KEYS.get(i);
            backward.put(key, balancer.pick(FakeSelection.<String>all().withKey(key)));
        }

        assertThat(backward).isEqualTo(forward);
    }

    @Test
    void weightsScaleTheShareOfKeys() {
        List<String> four = endpoints(4);
        ToIntFunction<String> weight = s -> four.indexOf(s) + 1;
        Balancer<String> balancer = Balancers.consistentHash(four, weight, s -> s, new SplittableRandom(0));

        Map<String, Long> counts = counts(new ArrayList<>(assign(balancer, FakeSelection.all()).values()));

        for (String endpoint : four) {
            assertThat(counts.get(endpoint) / (double) KEY_COUNT).as(endpoint).isCloseTo(weight.applyAsInt(endpoint) / 10.0, within(0.03));
        }
    }

    @Test
    void theSameAddressTwiceGetsPointsOfItsOwn() {
        record Endpoint(String address, int id) {
        }
        List<Endpoint> twins = List.of(new Endpoint("10.0.0.1:80", 1), new Endpoint("10.0.0.1:80", 2));
        Balancer<Endpoint> balancer = Balancers.consistentHash(twins, e -> 1, Endpoint::address, new SplittableRandom(0));

        long first = KEYS.stream().filter(key -> balancer.pick(FakeSelection.<Endpoint>all().withKey(key)).id() == 1).count();

        assertThat(first / (double) KEY_COUNT).isCloseTo(0.5, within(0.05));
    }

    @Test
    void hugeWeightsAreScaledToABoundedRing() {
        HashRing ring = HashRing.of(List.of("a", "b", "c"), new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE / 2, 1});

        assertThat(ring.size()).isBetween(HashRing.MAX_POINTS - 3, HashRing.MAX_POINTS + 3);
        assertThat(HashRing.of(List.of("a", "b"), new int[] {1, 2}).size()).isEqualTo(3 * HashRing.POINTS_PER_WEIGHT);
    }

    @Test
    void aRequestWithoutAKeyGoesToARandomUsableCandidate() {
        Balancer<String> balancer = Balancers.consistentHash(List.of("a", "b", "c"), s -> 1, s -> s, new SplittableRandom(3));

        Map<String, Long> counts = counts(picks(balancer, FakeSelection.<String>all().without("b"), 20_000));

        assertThat(counts).containsOnlyKeys("a", "c");
        assertThat(counts.get("a") / 20_000.0).isCloseTo(0.5, within(0.02));
        assertThat(counts(picks(balancer, 30_000)).values()).allSatisfy(count -> assertThat(count).isCloseTo(10_000L, within(500L)));
    }

    @Test
    void nothingUsablePicksNull() {
        Selection<String> noneUsable = FakeSelection.<String>all().without(TEN.toArray(String[]::new)).withKey("203.0.113.9");

        assertThat(hashing(TEN).pick(noneUsable)).isNull();
        assertThat(hashing(TEN).pick(FakeSelection.<String>all().without(TEN.toArray(String[]::new)))).isNull();
        assertThat(hashing(List.of()).pick(FakeSelection.<String>all().withKey("203.0.113.9"))).isNull();
        assertThat(hashing(List.of()).pick()).isNull();
    }

    @Test
    void theLastUsableCandidateTakesEveryKey() {
        List<String> down = new ArrayList<>(TEN);
        String last = down.remove(4);
        Balancer<String> balancer = hashing(TEN);

        assertThat(assign(balancer, FakeSelection.<String>all().without(down.toArray(String[]::new))).values()).containsOnly(last);
    }

    @Test
    void concurrentPicksOfOneKeyAllReachItsCandidate() throws InterruptedException {
        Balancer<String> balancer = hashing(TEN);
        Selection<String> selection = FakeSelection.<String>all().without(TEN.get(0)).withKey("192.0.2.44");

        assertThat(pickConcurrently(balancer, selection, 4, 10_000)).containsOnly(Map.entry(balancer.pick(selection), 40_000L));
    }

    private static List<String> endpoints(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "10.0.0." + i + ":8080").toList();
    }

    private static Balancer<String> hashing(List<String> endpoints) {
        return Balancers.consistentHash(endpoints, s -> 1, s -> s, new SplittableRandom(0));
    }

    /** Where each of {@link #KEYS} goes. */
    private static Map<String, String> assign(Balancer<String> balancer, FakeSelection<String> selection) {
        Map<String, String> owners = new HashMap<>();
        for (String key : KEYS) {
            owners.put(key, balancer.pick(selection.withKey(key)));
        }
        return owners;
    }

    private static double movedShare(Map<String, String> before, Map<String, String> after) {
        return before.entrySet().stream().filter(e -> !e.getValue().equals(after.get(e.getKey()))).count() / (double) before.size();
    }
}
