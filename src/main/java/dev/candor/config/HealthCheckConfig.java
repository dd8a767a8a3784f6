package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Active health checking of an upstream's endpoints. Endpoints start healthy; {@code unhealthyThreshold}
 * failed probes in a row make one unhealthy, {@code healthyThreshold} passing probes in a row bring it back.
 *
 * @param mode HTTP (a request to {@code path}) or TCP (a connect only)
 * @param path the request path for HTTP probes
 * @param host the Host header for HTTP probes; null = the endpoint's address
 * @param interval time between probes of one endpoint (each probe is jittered by up to 10 %)
 * @param timeout a probe that takes longer fails
 * @param expectStatusFrom lowest status that passes (inclusive)
 * @param expectStatusTo highest status that passes (inclusive)
 */
public record HealthCheckConfig(Mode mode, String path, String host, Duration interval, Duration timeout,
                                int healthyThreshold, int unhealthyThreshold, int expectStatusFrom, int expectStatusTo) {

    public enum Mode { HTTP, TCP }

    public HealthCheckConfig {
        requireNonNull(mode, "mode");
        requireNonNull(interval, "interval");
        requireNonNull(timeout, "timeout");
    }

    /** Defaults for an HTTP check of {@code path}: every 5 s, 1 s timeout, 2 to recover, 3 to fail, 200-399. */
    public static HealthCheckConfig http(String path) {
        return new HealthCheckConfig(Mode.HTTP, path, null, Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3, 200, 399);
    }

    public boolean passes(int status) {
        return status >= expectStatusFrom && status <= expectStatusTo;
    }
}
