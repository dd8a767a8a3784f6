package dev.candor.bench;

import dev.candor.balance.Balancer;
import dev.candor.balance.Balancers;
import dev.candor.balance.Selection;
import dev.candor.config.BalancerConfig;
import dev.candor.config.HostPort;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.EndpointHealth;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One endpoint pick per request, as {@code Upstream.select} makes it: {@link Balancer#pick(Selection)}
 * over 8 real {@link Endpoint}s, with a selection that asks each endpoint's {@link EndpointHealth}
 * whether it is usable and how many requests it has in flight, and (for the hash policy) hands over
 * the client address. The balancer is built by {@link Balancers#create} from a {@link BalancerConfig},
 * with the same random source as the server (thread-local).
 *
 * <p>{@code round_robin} runs over equal weights; the other policies over weights 4, 2, 2, 1, 1, 1, 1, 1.
 * With {@code drained = 2} two of the eight endpoints are draining, so picks must skip them. In-flight
 * counts differ per endpoint so least_request has a real comparison to make, and the hash key cycles
 * through 1,024 client addresses so consistent hashing does not hit one ring point every time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBenchmark {

    private static final int[] WEIGHTS = {4, 2, 2, 1, 1, 1, 1, 1};
    private static final int KEYS = 1024;

    /** A config spelling of {@link BalancerConfig.Kind}; ip_hash stands for the consistent-hash policies. */
    @Param({"round_robin", "weighted_round_robin", "random", "least_request", "ip_hash"})
    public String policy;

    /** How many of the 8 endpoints are draining (unusable). */
    @Param({"0", "2"})
    public int drained;

    private Balancer<Endpoint> balancer;
    private HealthSelection selection;
    private String[] clientIps;
    private int nextKey;

    @Setup
    public void setUp() {
        BalancerConfig.Kind kind = kindOf(policy);
        boolean equalWeights = kind == BalancerConfig.Kind.ROUND_ROBIN;
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < WEIGHTS.length; i++) {
            EndpointHealth health = new EndpointHealth(null, System::nanoTime, Clock.systemUTC());
            for (int r = 0; r < (i * 3) % 7; r++) {
                health.requestStarted(); // in flight 0, 3, 6, 2, 5, 1, 4, 0
            }
            if (i >= WEIGHTS.length - drained) {
                health.drain(true);
            }
            endpoints.add(new Endpoint("app", new HostPort("10.0.0." + (11 + i), 8080),
                    equalWeights ? 1 : WEIGHTS[i], health));
        }
        RandomGenerator random = () -> ThreadLocalRandom.current().nextLong(); // as CandorServer
        balancer = Balancers.create(new BalancerConfig(kind, null), endpoints, Endpoint::weight, Endpoint::label, random);
        selection = new HealthSelection();
        clientIps = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            clientIps[i] = "198.51." + (i >> 8) + "." + (i & 0xff);
        }
        selection.key = kind == BalancerConfig.Kind.IP_HASH ? clientIps[0] : null;
        if (balancer.pick(selection) == null) {
            throw new IllegalStateException(policy + " picked nothing");
        }
    }

    @Benchmark
    public Endpoint pick() {
        if (selection.key != null) {
            selection.key = clientIps[nextKey++ & (KEYS - 1)];
        }
        return balancer.pick(selection);
    }

    private static BalancerConfig.Kind kindOf(String configName) {
        for (BalancerConfig.Kind k : BalancerConfig.Kind.values()) {
            if (k.configName().equals(configName)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown policy " + configName);
    }

    /** What the proxy's per-attempt selection asks on a first attempt (nothing tried yet). */
    private static final class HealthSelection implements Selection<Endpoint> {
        CharSequence key;

        @Override
        public boolean usable(Endpoint e) {
            return e.health().usable();
        }

        @Override
        public int inFlight(Endpoint e) {
            return e.health().inFlight();
        }

        @Override
        public CharSequence hashKey() {
            return key;
        }
    }
}
