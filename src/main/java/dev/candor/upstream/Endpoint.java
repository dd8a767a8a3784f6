package dev.candor.upstream;

import dev.candor.config.HostPort;

import static java.util.Objects.requireNonNull;

/** One backend address of an upstream, the unit that is balanced over, pooled and (later) health-checked. */
public final class Endpoint {
    private final String upstream;
    private final HostPort address;
    private final int weight;
    private final String label;

    public Endpoint(String upstream, HostPort address, int weight) {
        this.upstream = requireNonNull(upstream, "upstream");
        this.address = requireNonNull(address, "address");
        this.weight = weight;
        this.label = address.toString();
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

    @Override
    public String toString() {
        return upstream + "/" + label;
    }
}
