package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Client-side limits.
 *
 * @param maxHeaderSize bytes of the whole request header section (431 beyond it)
 * @param maxUriLength bytes of the request line's target (414 beyond it)
 * @param maxBodySize bytes of request body (413 beyond it); 0 = unlimited
 * @param headerReadTimeout time to receive a complete request header (408 and close); zero = none
 * @param clientIdleTimeout keep-alive idle time on a client connection; zero = no keep-alive
 * @param maxConnections concurrent client connections; 0 = unlimited
 * @param maxHeaderCount header fields in a request (431 beyond it); 0 = unlimited
 * @param maxConnectionsPerIp concurrent client connections from one address (beyond it a new one is
 *                            closed at once); 0 = unlimited
 */
public record LimitsConfig(
        long maxHeaderSize,
        long maxUriLength,
        long maxBodySize,
        Duration headerReadTimeout,
        Duration clientIdleTimeout,
        int maxConnections,
        int maxHeaderCount,
        int maxConnectionsPerIp) {

    public static final LimitsConfig DEFAULTS = new LimitsConfig(
            16 * 1024, 8 * 1024, 10 * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000, 100, 0);

    public LimitsConfig {
        requireNonNull(headerReadTimeout, "headerReadTimeout");
        requireNonNull(clientIdleTimeout, "clientIdleTimeout");
    }

    /** The limits with the default header count and no per-address connection limit. */
    public LimitsConfig(long maxHeaderSize, long maxUriLength, long maxBodySize, Duration headerReadTimeout,
                        Duration clientIdleTimeout, int maxConnections) {
        this(maxHeaderSize, maxUriLength, maxBodySize, headerReadTimeout, clientIdleTimeout, maxConnections,
                DEFAULTS.maxHeaderCount, DEFAULTS.maxConnectionsPerIp);
    }
}
