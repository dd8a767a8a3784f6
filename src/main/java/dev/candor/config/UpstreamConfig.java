package dev.candor.config;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A named set of endpoints with how to balance over them and how to talk to them. */
public record UpstreamConfig(
        String name,
        List<EndpointConfig> endpoints,
        BalancerConfig balancer,
        TimeoutsConfig timeouts,
        PoolConfig pool) {

    public UpstreamConfig {
        requireNonNull(name, "name");
        endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
        requireNonNull(balancer, "balancer");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(pool, "pool");
    }
}
