package dev.candor.config;

import static java.util.Objects.requireNonNull;

/** A plain-HTTP listening socket; {@code name} defaults to the address text. */
public record ListenerConfig(String name, HostPort address) {
    public ListenerConfig {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
    }
}
