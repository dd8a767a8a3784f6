package dev.candor.balance;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

import dev.candor.config.BalancerConfig;
import dev.candor.config.BalancerConfig.Kind;
import org.junit.jupiter.api.Test;

import static dev.candor.balance.RoundRobinBalancerTest.picks;
import static org.assertj.core.api.Assertions.assertThat;

class BalancersTest {

    private static final List<String> ITEMS = List.of("a", "b", "c");
    private static final ToIntFunction<String> WEIGHT_5_1_1 = s -> s.equals("a") ? 5 : 1;

    @Test
    void roundRobinConfigHonoursWeightsAsNginxDoes() {
        Balancer<String> balancer = Balancers.create(BalancerConfig.ROUND_ROBIN, ITEMS, WEIGHT_5_1_1, new SplittableRandom(0));

        assertThat(picks(balancer, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void roundRobinConfigWithEqualWeightsTakesTurns() {
        Balancer<String> balancer = Balancers.create(BalancerConfig.ROUND_ROBIN, ITEMS, s -> 1, new SplittableRandom(0));

        assertThat(picks(balancer, 4)).containsExactly("a", "b", "c", "a");
    }

    @Test
    void weightedRoundRobinConfigGivesTheSmoothSequence() {
        BalancerConfig config = new BalancerConfig(Kind.WEIGHTED_ROUND_ROBIN, null);
        Balancer<String> balancer = Balancers.create(config, ITEMS, WEIGHT_5_1_1, new SplittableRandom(0));

        assertThat(picks(balancer, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void randomConfigDrawsFromTheInjectedGenerator() {
        BalancerConfig config = new BalancerConfig(Kind.RANDOM, null);
        Balancer<String> fromConfig = Balancers.create(config, ITEMS, WEIGHT_5_1_1, new SplittableRandom(11));
        Balancer<String> direct = Balancers.random(ITEMS, WEIGHT_5_1_1, new SplittableRandom(11));

        assertThat(picks(fromConfig, 40)).isEqualTo(picks(direct, 40));
    }

    @Test
    void leastRequestConfigAvoidsTheLoadedCandidate() {
        BalancerConfig config = new BalancerConfig(Kind.LEAST_REQUEST, null);
        Balancer<String> balancer = Balancers.create(config, ITEMS, s -> 1, String::toUpperCase, new SplittableRandom(0));
        Selection<String> loaded = FakeSelection.<String>all().withLoads(Map.of("a", 9));

        assertThat(picks(balancer, loaded, 1000)).doesNotContain("a").contains("b", "c");
    }

    @Test
    void everyHashConfigIsTheSameConsistentHashOfTheKey() {
        Balancer<String> direct = Balancers.consistentHash(ITEMS, WEIGHT_5_1_1, s -> "10.0.0.1:" + s, new SplittableRandom(0));
        for (BalancerConfig config : List.of(new BalancerConfig(Kind.IP_HASH, null),
                new BalancerConfig(Kind.HEADER_HASH, "X-User"), new BalancerConfig(Kind.COOKIE_HASH, "session"))) {
            Balancer<String> balancer = Balancers.create(config, ITEMS, WEIGHT_5_1_1, s -> "10.0.0.1:" + s, new SplittableRandom(0));

            for (int key = 0; key < 200; key++) {
                Selection<String> selection = FakeSelection.<String>all().withKey("key-" + key);
                assertThat(balancer.pick(selection)).as("%s, key-%d", config, key).isEqualTo(direct.pick(selection));
            }
        }
    }

    @Test
    void withoutAnIdentityCandidatesAreIdentifiedByTheirText() {
        BalancerConfig config = new BalancerConfig(Kind.IP_HASH, null);
        Balancer<String> implicit = Balancers.create(config, ITEMS, s -> 1, new SplittableRandom(0));
        Balancer<String> explicit = Balancers.create(config, ITEMS, s -> 1, String::valueOf, new SplittableRandom(0));

        for (int key = 0; key < 200; key++) {
            Selection<String> selection = FakeSelection.<String>all().withKey("192.0.2." + key);
            assertThat(implicit.pick(selection)).isEqualTo(explicit.pick(selection));
        }
    }

    @Test
    void everyKindPicksOnlyUsableCandidatesAndNullWhenNoneIs() {
        for (Kind kind : Kind.values()) {
            Balancer<String> balancer = Balancers.create(new BalancerConfig(kind, null), ITEMS, WEIGHT_5_1_1, s -> s, new SplittableRandom(0));
            FakeSelection<String> withoutA = FakeSelection.<String>all().without("a");

            assertThat(picks(balancer, withoutA, 50)).as(kind.configName()).containsOnly("b", "c");
            assertThat(picks(balancer, withoutA.withKey("203.0.113.1"), 50)).as(kind.configName()).isSubsetOf("b", "c");
            assertThat(balancer.pick(FakeSelection.<String>all().without("a", "b", "c"))).as(kind.configName()).isNull();
        }
    }

    @Test
    void everyKindKeepsTheCandidatesInOrder() {
        for (Kind kind : Kind.values()) {
            Balancer<String> balancer = Balancers.create(new BalancerConfig(kind, null), ITEMS, WEIGHT_5_1_1, new SplittableRandom(0));

            assertThat(balancer.candidates()).as(kind.configName()).containsExactly("a", "b", "c");
        }
    }
}
