package dev.candor.upstream;

import dev.candor.balance.Balancer;
import dev.candor.balance.Balancers;
import dev.candor.balance.Selection;
import dev.candor.config.EndpointConfig;
import dev.candor.config.UpstreamConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * A named pool of endpoints with its balancer, passive health (outlier detection), retry budget and
 * pending-request count. Immutable in shape; a changed config means a new upstream.
 */
public final class Upstream {
    private final UpstreamConfig config;
    private final List<Endpoint> endpoints;
    private final Balancer<Endpoint> balancer;
    private final OutlierDetector outliers;
    private final RetryBudget retryBudget;
    private final AtomicInteger pending = new AtomicInteger();

    private Upstream(UpstreamConfig config, List<Endpoint> endpoints, Balancer<Endpoint> balancer,
                     OutlierDetector outliers, RetryBudget retryBudget) {
        this.config = config;
        this.endpoints = endpoints;
        this.balancer = balancer;
        this.outliers = outliers;
        this.retryBudget = retryBudget;
    }

    public static Upstream of(UpstreamConfig config, RandomGenerator random, LongSupplier nanoClock, Clock wallClock) {
        requireNonNull(config, "config");
        List<Endpoint> endpoints = new ArrayList<>(config.endpoints().size());
        List<EndpointHealth> healths = new ArrayList<>(config.endpoints().size());
        for (EndpointConfig e : config.endpoints()) {
            EndpointHealth health = new EndpointHealth(config.healthCheck(), nanoClock, wallClock);
            healths.add(health);
            endpoints.add(new Endpoint(config.name(), e.address(), e.weight(), health));
        }
        Balancer<Endpoint> balancer = Balancers.create(config.balancer(), endpoints, Endpoint::weight, Endpoint::label, random);
        return new Upstream(config, List.copyOf(endpoints), balancer,
                new OutlierDetector(config.outlierDetection(), healths, nanoClock),
                new RetryBudget(config.retries().budgetPercent(), nanoClock));
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public OutlierDetector outliers() {
        return outliers;
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }

    /** Requests of this upstream waiting for a connection right now. */
    public AtomicInteger pending() {
        return pending;
    }

    /** The endpoint for the next request with no particulars; null when the upstream has none usable. */
    public Endpoint pick() {
        return select(List.of(), null);
    }

    /**
     * The endpoint for an attempt: a usable one not yet tried by this request; when the upstream has no
     * usable endpoint at all, with {@code when_all_unhealthy: panic}, any untried endpoint that is not
     * draining (health is ignored: better some traffic than none); else null.
     *
     * @param tried endpoints this request already tried; they are never chosen again (a retry goes to
     *              another endpoint or does not happen, as with nginx's proxy_next_upstream)
     * @param hashKey the request's key for the hash balancers, or null
     */
    public Endpoint select(List<Endpoint> tried, CharSequence hashKey) {
        Endpoint e = balancer.pick(new Choice(tried, hashKey, Choice.HEALTHY));
        if (e == null && config.whenAllUnhealthy() == UpstreamConfig.AllUnhealthy.PANIC && noneUsable()) {
            e = balancer.pick(new Choice(tried, hashKey, Choice.NOT_DRAINING));
        }
        return e;
    }

    /** Panic routing is for an upstream with no usable endpoint at all, not for one whose usable ones were tried. */
    private boolean noneUsable() {
        for (Endpoint e : endpoints) {
            if (e.health().usable()) {
                return false;
            }
        }
        return true;
    }

    /** Why no endpoint can take a request: each endpoint with its state and reason. */
    public String unavailableReasons() {
        if (endpoints.isEmpty()) {
            return "upstream '" + name() + "' has no endpoints";
        }
        StringBuilder b = new StringBuilder();
        for (Endpoint e : endpoints) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(e.label()).append(' ').append(e.health().why());
        }
        return b.toString();
    }

    /** One pick's view of the endpoints. */
    private record Choice(List<Endpoint> tried, CharSequence hashKey, int mode) implements Selection<Endpoint> {
        static final int HEALTHY = 0;
        static final int NOT_DRAINING = 1;

        @Override
        public boolean usable(Endpoint e) {
            if (!tried.isEmpty() && tried.contains(e)) {
                return false;
            }
            return mode == HEALTHY ? e.health().usable() : !e.health().isDraining();
        }

        @Override
        public int inFlight(Endpoint e) {
            return e.health().inFlight();
        }
    }
}
