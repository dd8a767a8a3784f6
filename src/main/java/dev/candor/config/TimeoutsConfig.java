package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Upstream timeouts; a zero duration disables that timeout.
 *
 * @param connect TCP connect to an endpoint
 * @param response from the request being fully sent to the response header being received
 * @param idle the longest silence while either body is streaming
 * @param tunnelIdle the longest silence both ways on an upgraded connection (WebSocket)
 */
public record TimeoutsConfig(Duration connect, Duration response, Duration idle, Duration tunnelIdle) {
    public static final Duration DEFAULT_TUNNEL_IDLE = Duration.ofHours(1);
    public static final TimeoutsConfig DEFAULTS =
            new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));

    /** Timeouts with the default {@code tunnel_idle}. */
    public TimeoutsConfig(Duration connect, Duration response, Duration idle) {
        this(connect, response, idle, DEFAULT_TUNNEL_IDLE);
    }

    public TimeoutsConfig {
        requireNonNull(connect, "connect");
        requireNonNull(response, "response");
        requireNonNull(idle, "idle");
        requireNonNull(tunnelIdle, "tunnelIdle");
    }
}
