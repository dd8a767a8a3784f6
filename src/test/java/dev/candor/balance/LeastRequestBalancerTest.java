package dev.candor.balance;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static dev.candor.balance.RoundRobinBalancerTest.pickConcurrently;
import static dev.candor.balance.RoundRobinBalancerTest.picks;
import static dev.candor.balance.WeightedRoundRobinBalancerTest.counts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LeastRequestBalancerTest {

    private static final List<String> ITEMS = List.of("a", "b", "c", "d");

    @Test
    void theMostLoadedOfThreeIsNeverChosenAsEveryPairHoldsALighterOne() {
        Balancer<String> balancer = Balancers.leastRequest(List.of("a", "b", "c"), s -> 1, new SplittableRandom(1));
        Selection<String> loaded = FakeSelection.<String>all().withLoads(Map.of("a", 0, "b", 0, "c", 100));

        Map<String, Long> counts = counts(picks(balancer, loaded, 30_000));

        assertThat(counts).doesNotContainKey("c");
        assertThat(counts.get("a") / 30_000.0).isCloseTo(0.5, within(0.01));
    }

    @Test
    void ofTwoTheLessLoadedIsAlwaysChosen() {
        Balancer<String> balancer = Balancers.leastRequest(List.of("a", "b"), s -> 1, new SplittableRandom(2));

        assertThat(picks(balancer, FakeSelection.<String>all().withLoads(Map.of("a", 5, "b", 3)), 1000)).containsOnly("b");
    }

    @Test
    void sharesFollowTheChanceOfBeingTheLighterOfARandomPair() {
        // of the six pairs of four, the lightest is in three, the next in two of the rest, the third in one
        Balancer<String> balancer = Balancers.leastRequest(ITEMS, s -> 1, new SplittableRandom(3));
        Selection<String> loaded = FakeSelection.<String>all().withLoads(Map.of("a", 0, "b", 1, "c", 2, "d", 3));

        Map<String, Long> counts = counts(picks(balancer, loaded, 60_000));

        assertThat(counts.get("a") / 60_000.0).isCloseTo(3 / 6.0, within(0.01));
        assertThat(counts.get("b") / 60_000.0).isCloseTo(2 / 6.0, within(0.01));
        assertThat(counts.get("c") / 60_000.0).isCloseTo(1 / 6.0, within(0.01));
        assertThat(counts).doesNotContainKey("d");
    }

    @Test
    void anIdleUpstreamIsSpreadEvenlyAsTiesGoToTheFirstDrawn() {
        Balancer<String> balancer = Balancers.leastRequest(ITEMS, s -> 1, new SplittableRandom(4));

        assertThat(counts(picks(balancer, FakeSelection.all(), 80_000)).values())
                .allSatisfy(count -> assertThat(count).isCloseTo(20_000L, within(600L)));
    }

    @Test
    void anIdleUpstreamFollowsTheWeights() {
        Balancer<String> balancer = Balancers.leastRequest(List.of("a", "b"), s -> s.equals("a") ? 3 : 1, new SplittableRandom(5));

        assertThat(counts(picks(balancer, FakeSelection.all(), 40_000)).get("a") / 40_000.0).isCloseTo(0.75, within(0.01));
    }

    @Test
    void loadIsComparedPerUnitOfWeight() {
        // a: 5 in flight over weight 3 is 1.67 per unit, less than b's 2 over weight 1
        Balancer<String> balancer = Balancers.leastRequest(List.of("a", "b"), s -> s.equals("a") ? 3 : 1, new SplittableRandom(6));

        assertThat(picks(balancer, FakeSelection.<String>all().withLoads(Map.of("a", 5, "b", 2)), 1000)).containsOnly("a");
    }

    @Test
    void anUnusableCandidateIsNeverChosenHoweverIdle() {
        Balancer<String> balancer = Balancers.leastRequest(ITEMS, s -> 1, new SplittableRandom(7));
        Selection<String> selection = FakeSelection.<String>all().without("a").withLoads(Map.of("b", 10, "c", 10, "d", 10));

        Map<String, Long> counts = counts(picks(balancer, selection, 30_000));

        assertThat(counts).containsOnlyKeys("b", "c", "d");
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isCloseTo(10_000L, within(500L)));
    }

    @Test
    void aSingleUsableCandidateIsChosenAndNoneGivesNull() {
        Balancer<String> balancer = Balancers.leastRequest(ITEMS, s -> 1, new SplittableRandom(8));

        assertThat(picks(balancer, FakeSelection.<String>all().without("a", "b", "d").withLoads(Map.of("c", 99)), 100)).containsOnly("c");
        assertThat(balancer.pick(FakeSelection.<String>all().without("a", "b", "c", "d"))).isNull();
        assertThat(Balancers.leastRequest(List.<String>of(), s -> 1, new SplittableRandom(0)).pick(FakeSelection.all())).isNull();
    }

    @Test
    void pickWithoutASelectionTreatsEveryCandidateAsUsableAndIdle() {
        Balancer<String> balancer = Balancers.leastRequest(List.of("a", "b"), s -> s.equals("a") ? 3 : 1, new SplittableRandom(9));

        assertThat(counts(picks(balancer, 40_000)).get("a") / 40_000.0).isCloseTo(0.75, within(0.01));
        assertThat(Balancers.leastRequest(List.<String>of(), s -> 1, new SplittableRandom(0)).pick()).isNull();
    }

    @Test
    void concurrentPicksAvoidTheLoadedAndUnusableCandidates() throws InterruptedException {
        Balancer<String> balancer = Balancers.leastRequest(ITEMS, s -> 1, new Random(10));
        Selection<String> selection = FakeSelection.<String>all().without("b").withLoads(Map.of("d", 50));

        Map<String, Long> counts = pickConcurrently(balancer, selection, 4, 10_000);

        assertThat(counts).containsOnlyKeys("a", "c");
        assertThat(counts.get("a") + counts.get("c")).isEqualTo(40_000L);
    }
}
