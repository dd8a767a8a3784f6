package dev.candor.upstream;

import dev.candor.config.HostPort;

import static java.util.Objects.requireNonNull;

/**
 * One backend address of an upstream: the unit that is balanced over, pooled, health-checked, ejected
 * and drained. Its {@link EndpointHealth} is shared by every event loop.
 */
public final class Endpoint {
    private final String upstream;
    private final HostPort address;
    private final int weight;
    private final String label;
    private final EndpointHealth health;

    public Endpoint(String upstream, HostPort address, int weight, EndpointHealth health) {
        this.upstream = requireNonNull(upstream, "upstream");
        this.address = requireNonNull(address, "address");
        this.weight = weight;
        this.label = address.toString();
        this.health = requireNonNull(health, "health");
    }

    public String upstream() {
        return upstream;
    }

    public HostPort address() {
        return address;
    }

    public int weight() {
        return weight;
    }

    /** {@code host:port} as configured; the name used in logs and the admin API. */
    public String label() {
        return label;
    }

    public EndpointHealth health() {
        return health;
    }

    @Override
    public String toString() {
        return upstream + "/" + label;
    }
}
