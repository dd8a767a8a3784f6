package dev.candor.balance;

import java.util.List;
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
    void everyKindKeepsTheCandidatesInOrder() {
        for (Kind kind : Kind.values()) {
            Balancer<String> balancer = Balancers.create(new BalancerConfig(kind, null), ITEMS, WEIGHT_5_1_1, new SplittableRandom(0));

            assertThat(balancer.candidates()).as(kind.configName()).containsExactly("a", "b", "c");
        }
    }
}
