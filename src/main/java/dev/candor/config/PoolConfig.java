package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Upstream connection pool settings, per endpoint.
 *
 * @param maxConnections open connections (busy and idle) per endpoint; 0 = unlimited
 * @param idleTimeout how long an idle pooled connection is kept; zero = never keep one (no reuse)
 */
public record PoolConfig(int maxConnections, Duration idleTimeout) {
    public static final PoolConfig DEFAULTS = new PoolConfig(1024, Duration.ofSeconds(50));

    public PoolConfig {
        requireNonNull(idleTimeout, "idleTimeout");
    }
}
