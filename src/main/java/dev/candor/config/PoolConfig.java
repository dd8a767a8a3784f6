package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Upstream connection pool settings, per endpoint.
 *
 * @param maxConnections open connections (busy and idle) per endpoint; 0 = unlimited
 * @param idleTimeout how long an idle pooled connection is kept; zero = never keep one (no reuse)
 * @param maxPending requests of the whole upstream allowed to wait for a connection at once; beyond it
 *                   they fail at once with connection_limit_reached; 0 = unlimited
 */
public record PoolConfig(int maxConnections, Duration idleTimeout, int maxPending) {
    public static final PoolConfig DEFAULTS = new PoolConfig(1024, Duration.ofSeconds(50), 1024);

    public PoolConfig(int maxConnections, Duration idleTimeout) {
        this(maxConnections, idleTimeout, DEFAULTS.maxPending());
    }

    public PoolConfig {
        requireNonNull(idleTimeout, "idleTimeout");
    }
}
