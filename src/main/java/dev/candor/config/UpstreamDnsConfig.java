package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How an upstream follows DNS ({@code upstreams.NAME.dns}).
 *
 * @param refresh the longest an answer is used before it is asked again, even when its TTL is longer;
 *                zero = the TTL alone decides
 * @param srv an SRV record name whose targets are the endpoints, or null when {@code endpoints} are listed
 */
public record UpstreamDnsConfig(Duration refresh, String srv) {

    public static final UpstreamDnsConfig DEFAULTS = new UpstreamDnsConfig(Duration.ofSeconds(30), null);

    public UpstreamDnsConfig {
        requireNonNull(refresh, "refresh");
    }
}
