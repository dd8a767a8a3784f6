package dev.candor.balance;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static dev.candor.balance.RoundRobinBalancerTest.pickConcurrently;
import static dev.candor.balance.RoundRobinBalancerTest.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightedRoundRobinBalancerTest {

    private static final ToIntFunction<String> WEIGHT_5_1_1 = s -> s.equals("a") ? 5 : 1;

    @Test
    void spreadsAHeavyCandidateLikeNginx() {
        Balancer<String> balancer = Balancers.weightedRoundRobin(List.of("a", "b", "c"), WEIGHT_5_1_1);

        assertThat(picks(balancer, 14)).containsExactly(
                "a", "a", "b", "a", "c", "a", "a",
                "a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void sharesMatchWeightsExactly() {
        Map<String, Integer> weights = Map.of("a", 3, "b", 2, "c", 7, "d", 1);
        Balancer<String> balancer = Balancers.weightedRoundRobin(List.of("a", "b", "c", "d"), weights::get);

        assertThat(counts(picks(balancer, 13 * 1000)))
                .containsOnly(Map.entry("a", 3000L), Map.entry("b", 2000L), Map.entry("c", 7000L), Map.entry("d", 1000L));
    }

    @Test
    void weightsWithACommonFactorGiveTheSameSequence() {
        Balancer<String> small = Balancers.weightedRoundRobin(List.of("a", "b", "c"), WEIGHT_5_1_1);
        Balancer<String> scaled = Balancers.weightedRoundRobin(List.of("a", "b", "c"), s -> s.equals("a") ? 50 : 10);

        assertThat(picks(scaled, 21)).isEqualTo(picks(small, 21));
    }

    @Test
    void equalWeightsArePlainRoundRobin() {
        Balancer<String> balancer = Balancers.weightedRoundRobin(List.of("a", "b", "c"), s -> 4);

        assertThat(picks(balancer, 6)).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void everyCandidateWinsExactlyItsWeightOncePerPeriod() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            int[] weights = random.ints(1 + random.nextInt(8), 1, 40).toArray();
            SmoothWeights state = SmoothWeights.of(weights);
            int[] wins = new int[weights.length];
            for (long step = 0; step < state.period(); step++) {
                wins[state.next()]++;
            }
            int gcd = Arrays.stream(weights).reduce(0, WeightedRoundRobinBalancerTest::gcd);
            assertThat(wins).as("weights %s", Arrays.toString(weights))
                    .containsExactly(Arrays.stream(weights).map(w -> w / gcd).toArray());
        }
    }

    @Test
    void aPeriodTooLongToPrecomputeIsSteppedUnderALockWithTheSameSequence() {
        int[] weights = {SmoothWeights.MAX_PRECOMPUTED_PERIOD, 3, 2};
        List<String> items = List.of("a", "b", "c");
        Balancer<String> locked = Balancers.weightedRoundRobin(items, s -> weights[items.indexOf(s)]);
        List<String> expected = SmoothWeights.of(weights).onePeriod(items);

        assertThat(locked).isInstanceOf(LockedSmoothBalancer.class);
        assertThat(picks(locked, expected.size())).isEqualTo(expected);
        assertThat(counts(picks(locked, expected.size())))
                .containsOnly(Map.entry("a", (long) weights[0]), Map.entry("b", 3L), Map.entry("c", 2L));
    }

    @Test
    void concurrentPicksKeepSharesExact() throws InterruptedException {
        Balancer<String> precomputed = Balancers.weightedRoundRobin(List.of("a", "b", "c"), WEIGHT_5_1_1);
        Balancer<String> locked = new LockedSmoothBalancer<>(List.of("a", "b", "c"), SmoothWeights.of(new int[] {5, 1, 1}));

        for (Balancer<String> balancer : List.of(precomputed, locked)) {
            assertThat(pickConcurrently(balancer, 4, 7 * 5_000))
                    .containsOnly(Map.entry("a", 100_000L), Map.entry("b", 20_000L), Map.entry("c", 20_000L));
        }
    }

    @Test
    void withTheHeavyCandidateUnusableTheOthersAlternate() {
        Selection<String> withoutA = FakeSelection.<String>all().without("a");

        for (Balancer<String> balancer : bothKinds(List.of("a", "b", "c"), new int[] {5, 1, 1})) {
            assertThat(picks(balancer, withoutA, 6)).as(balancer.toString())
                    .containsExactly("b", "c", "b", "c", "b", "c");
        }
    }

    @Test
    void usableCandidatesKeepTheirRelativeWeights() {
        Selection<String> withoutC = FakeSelection.<String>all().without("c");

        for (Balancer<String> balancer : bothKinds(List.of("a", "b", "c", "d"), new int[] {3, 2, 7, 1})) {
            assertThat(counts(picks(balancer, withoutC, 6 * 1000))).as(balancer.toString())
                    .containsOnly(Map.entry("a", 3000L), Map.entry("b", 2000L), Map.entry("d", 1000L));
        }
    }

    @Test
    void aLongPeriodWithItsHeavyCandidateUnusableIsStillSmooth() {
        int[] weights = {SmoothWeights.MAX_PRECOMPUTED_PERIOD, 3, 2};
        List<String> items = List.of("a", "b", "c");
        Balancer<String> locked = Balancers.weightedRoundRobin(items, s -> weights[items.indexOf(s)]);

        assertThat(picks(locked, FakeSelection.<String>all().without("a"), 10))
                .containsExactly("b", "c", "b", "c", "b", "b", "c", "b", "c", "b");
    }

    @Test
    void withEveryCandidateUsableTheSequenceIsThatOfPlainPick() {
        for (Balancer<String> balancer : bothKinds(List.of("a", "b", "c"), new int[] {5, 1, 1})) {
            assertThat(picks(balancer, FakeSelection.all(), 7)).as(balancer.toString())
                    .containsExactly("a", "a", "b", "a", "c", "a", "a");
        }
    }

    @Test
    void nothingUsablePicksNull() {
        for (Balancer<String> balancer : bothKinds(List.of("a", "b"), new int[] {2, 1})) {
            assertThat(balancer.pick(FakeSelection.<String>all().without("a", "b"))).as(balancer.toString()).isNull();
        }
        assertThat(Balancers.weightedRoundRobin(List.<String>of(), s -> 1).pick(FakeSelection.all())).isNull();
    }

    @Test
    void concurrentPicksWithAnUnusableCandidateKeepSharesExact() throws InterruptedException {
        Selection<String> withoutC = FakeSelection.<String>all().without("c");

        for (Balancer<String> balancer : bothKinds(List.of("a", "b", "c"), new int[] {5, 1, 1})) {
            assertThat(pickConcurrently(balancer, withoutC, 4, 6 * 2_500)).as(balancer.toString())
                    .containsOnly(Map.entry("a", 50_000L), Map.entry("b", 10_000L));
        }
    }

    @Test
    void singleAndEmptyCandidateListsWork() {
        assertThat(picks(Balancers.weightedRoundRobin(List.of("only"), s -> 9), 3)).containsOnly("only");
        assertThat(Balancers.weightedRoundRobin(List.<String>of(), s -> 1).pick()).isNull();
    }

    @Test
    void aWeightBelowOneIsRejectedNamingTheCandidate() {
        assertThatThrownBy(() -> Balancers.weightedRoundRobin(List.of("a", "b"), s -> s.equals("b") ? 0 : 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight of b: 0 (expected: >= 1)");
    }

    /** The precomputed cycle and the locked stepper over the same weights, which must agree. */
    private static List<Balancer<String>> bothKinds(List<String> items, int[] weights) {
        Balancer<String> precomputed = Balancers.weightedRoundRobin(items, s -> weights[items.indexOf(s)]);
        Balancer<String> locked = new LockedSmoothBalancer<>(items, SmoothWeights.of(weights));
        assertThat(precomputed).isInstanceOf(RoundRobinBalancer.class);
        return List.of(precomputed, locked);
    }

    static Map<String, Long> counts(List<String> picks) {
        return picks.stream().collect(Collectors.groupingBy(s -> s, HashMap::new, Collectors.counting()));
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
