package dev.candor.upstream;

import dev.candor.balance.Balancer;
import dev.candor.balance.Balancers;
import dev.candor.config.EndpointConfig;
import dev.candor.config.UpstreamConfig;

import java.util.List;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/** A named pool of endpoints with its balancer; immutable, rebuilt when the config changes. */
public final class Upstream {
    private final UpstreamConfig config;
    private final List<Endpoint> endpoints;
    private final Balancer<Endpoint> balancer;

    private Upstream(UpstreamConfig config, List<Endpoint> endpoints, Balancer<Endpoint> balancer) {
        this.config = config;
        this.endpoints = endpoints;
        this.balancer = balancer;
    }

    public static Upstream of(UpstreamConfig config, RandomGenerator random) {
        requireNonNull(config, "config");
        List<Endpoint> endpoints = config.endpoints().stream()
                .map((EndpointConfig e) -> new Endpoint(config.name(), e.address(), e.weight()))
                .toList();
        return new Upstream(config, endpoints, Balancers.create(config.balancer(), endpoints, Endpoint::weight, random));
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

    /** The endpoint for the next attempt, or null when the upstream has none. */
    public Endpoint pick() {
        return balancer.pick();
    }
}
