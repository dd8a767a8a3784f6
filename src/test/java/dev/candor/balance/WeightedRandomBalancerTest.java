package dev.candor.balance;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static dev.candor.balance.RoundRobinBalancerTest.picks;
import static dev.candor.balance.WeightedRoundRobinBalancerTest.counts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WeightedRandomBalancerTest {

    @Test
    void sharesConvergeToWeights() {
        Map<String, Integer> weights = Map.of("a", 1, "b", 2, "c", 7);
        Balancer<String> balancer = Balancers.random(List.of("a", "b", "c"), weights::get, new SplittableRandom(42));

        Map<String, Long> counts = counts(picks(balancer, 100_000));

        assertThat(counts.get("a") / 100_000.0).isCloseTo(0.1, within(0.005));
        assertThat(counts.get("b") / 100_000.0).isCloseTo(0.2, within(0.005));
        assertThat(counts.get("c") / 100_000.0).isCloseTo(0.7, within(0.005));
    }

    @Test
    void equalWeightsConvergeToEqualShares() {
        Balancer<String> balancer = Balancers.random(List.of("a", "b", "c", "d"), s -> 1, new SplittableRandom(1));

        assertThat(counts(picks(balancer, 80_000)).values())
                .allSatisfy(count -> assertThat(count).isCloseTo(20_000L, within(600L)));
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        List<String> items = List.of("a", "b", "c");

        assertThat(picks(Balancers.random(items, s -> 2, new Random(99)), 50))
                .isEqualTo(picks(Balancers.random(items, s -> 2, new Random(99)), 50));
    }

    @Test
    void everyCandidateCanBePickedIncludingTheRangeEdges() {
        // weights 1,1,1 map draws 0,1,2 to a,b,c: an exact hit on a running sum belongs to the next candidate
        Balancer<String> balancer = Balancers.random(List.of("a", "b", "c"), s -> 1, new SplittableRandom(3));

        assertThat(counts(picks(balancer, 300)).keySet()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void singleAndEmptyCandidateListsWork() {
        assertThat(picks(Balancers.random(List.of("only"), s -> 5, new SplittableRandom(0)), 3)).containsOnly("only");
        assertThat(Balancers.random(List.<String>of(), s -> 1, new SplittableRandom(0)).pick()).isNull();
    }

    @Test
    void sharesOfTheUsableConvergeToTheirShareOfTheUsableWeight() {
        Map<String, Integer> weights = Map.of("a", 1, "b", 2, "c", 3, "d", 4);
        Balancer<String> balancer = Balancers.random(List.of("a", "b", "c", "d"), weights::get, new SplittableRandom(5));

        Map<String, Long> counts = counts(picks(balancer, FakeSelection.<String>all().without("c"), 140_000));

        assertThat(counts).doesNotContainKey("c");
        assertThat(counts.get("a") / 140_000.0).isCloseTo(1 / 7.0, within(0.005));
        assertThat(counts.get("b") / 140_000.0).isCloseTo(2 / 7.0, within(0.005));
        assertThat(counts.get("d") / 140_000.0).isCloseTo(4 / 7.0, within(0.005));
    }

    @Test
    void theOnlyUsableCandidateIsAlwaysPickedHoweverLight() {
        Balancer<String> balancer = Balancers.random(List.of("a", "b"), s -> s.equals("a") ? 1 : 1000, new SplittableRandom(8));

        assertThat(picks(balancer, FakeSelection.<String>all().without("b"), 100)).containsOnly("a");
    }

    @Test
    void nothingUsablePicksNull() {
        Balancer<String> balancer = Balancers.random(List.of("a", "b"), s -> 1, new SplittableRandom(0));

        assertThat(balancer.pick(FakeSelection.<String>all().without("a", "b"))).isNull();
        assertThat(Balancers.random(List.<String>of(), s -> 1, new SplittableRandom(0)).pick(FakeSelection.all())).isNull();
    }

    @Test
    void aGeneratorIsRequired() {
        assertThatThrownBy(() -> Balancers.random(List.of("a"), s -> 1, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("random");
    }
}
