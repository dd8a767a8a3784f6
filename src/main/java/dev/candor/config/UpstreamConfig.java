package dev.candor.config;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A named set of endpoints with how to balance over them, how to talk to them and how to tell whether
 * they are well.
 *
 * @param healthCheck active checks, or null for none
 * @param whenAllUnhealthy what to do when no endpoint is usable
 * @param dns how often names are re-resolved, and the SRV record when endpoints come from one (then
 *            {@code endpoints} is empty)
 * @param tls TLS to the endpoints, or null for plain HTTP
 */
public record UpstreamConfig(
        String name,
        List<EndpointConfig> endpoints,
        BalancerConfig balancer,
        TimeoutsConfig timeouts,
        PoolConfig pool,
        HealthCheckConfig healthCheck,
        OutlierConfig outlierDetection,
        RetryConfig retries,
        AllUnhealthy whenAllUnhealthy,
        UpstreamDnsConfig dns,
        UpstreamTlsConfig tls) {

    /** When every endpoint is unhealthy, ejected or draining. */
    public enum AllUnhealthy {
        /** Answer 503 destination_unavailable (HAProxy's behaviour). */
        FAIL,
        /** Ignore health and spread requests over every endpoint but draining ones (Envoy's panic routing). */
        PANIC
    }

    /** An upstream with the resilience defaults: no active checks, outlier detection on, retries on connect failure, panic routing. */
    public UpstreamConfig(String name, List<EndpointConfig> endpoints, BalancerConfig balancer, TimeoutsConfig timeouts,
                          PoolConfig pool) {
        this(name, endpoints, balancer, timeouts, pool, null, OutlierConfig.DEFAULTS, RetryConfig.DEFAULTS, AllUnhealthy.PANIC);
    }

    /** An upstream with the default DNS refresh and listed endpoints, over plain HTTP. */
    public UpstreamConfig(String name, List<EndpointConfig> endpoints, BalancerConfig balancer, TimeoutsConfig timeouts,
                          PoolConfig pool, HealthCheckConfig healthCheck, OutlierConfig outlierDetection,
                          RetryConfig retries, AllUnhealthy whenAllUnhealthy) {
        this(name, endpoints, balancer, timeouts, pool, healthCheck, outlierDetection, retries, whenAllUnhealthy,
                UpstreamDnsConfig.DEFAULTS);
    }

    /** An upstream over plain HTTP. */
    public UpstreamConfig(String name, List<EndpointConfig> endpoints, BalancerConfig balancer, TimeoutsConfig timeouts,
                          PoolConfig pool, HealthCheckConfig healthCheck, OutlierConfig outlierDetection,
                          RetryConfig retries, AllUnhealthy whenAllUnhealthy, UpstreamDnsConfig dns) {
        this(name, endpoints, balancer, timeouts, pool, healthCheck, outlierDetection, retries, whenAllUnhealthy, dns, null);
    }

    public UpstreamConfig {
        requireNonNull(name, "name");
        endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
        requireNonNull(balancer, "balancer");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(pool, "pool");
        requireNonNull(outlierDetection, "outlierDetection");
        requireNonNull(retries, "retries");
        requireNonNull(whenAllUnhealthy, "whenAllUnhealthy");
        requireNonNull(dns, "dns");
    }
}
