package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Upstream timeouts; a zero duration disables that timeout.
 *
 * @param connect TCP connect to an endpoint
 * @param response from the request being fully sent to the response header being received
 * @param idle the longest silence while either body is streaming
 */
public record TimeoutsConfig(Duration connect, Duration response, Duration idle) {
    public static final TimeoutsConfig DEFAULTS =
            new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));

    public TimeoutsConfig {
        requireNonNull(connect, "connect");
        requireNonNull(response, "response");
        requireNonNull(idle, "idle");
    }
}
