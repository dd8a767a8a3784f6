package dev.candor.config;

import static java.util.Objects.requireNonNull;

/** One backend address of an upstream; {@code weight} is at least 1 (default 1). */
public record EndpointConfig(HostPort address, int weight) {
    public EndpointConfig {
        requireNonNull(address, "address");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, was " + weight);
        }
    }
}
