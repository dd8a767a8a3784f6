package dev.candor.config;

import java.time.Duration;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Retries on another endpoint. The transparent retry of a stale pooled connection is separate: always
 * on, only when safe, and it does not consume {@code attempts}.
 *
 * @param attempts extra attempts after the first (0 = no retries)
 * @param on which failures are retried
 * @param budgetPercent retries may be at most this share of the upstream's recent requests (0 = none)
 * @param perTryTimeout the response timeout of each attempt; zero = {@code timeouts.response}
 */
public record RetryConfig(int attempts, Set<On> on, int budgetPercent, Duration perTryTimeout) {

    public static final RetryConfig DEFAULTS = new RetryConfig(1, Set.of(On.CONNECT_FAILURE), 20, Duration.ZERO);

    /** Retry conditions, by their config spelling. */
    public enum On {
        /** Refused, unanswered or unroutable connects, failed TLS handshakes and a full pool: the request never left. Any method. */
        CONNECT_FAILURE("connect_failure"),
        /** The connection closed or reset before the response header; idempotent methods only. */
        CONNECTION_TERMINATED_IDEMPOTENT("connection_terminated_idempotent"),
        /** No response header within the (per-try) response timeout; idempotent methods only. */
        RESPONSE_TIMEOUT_IDEMPOTENT("response_timeout_idempotent"),
        /** The upstream answered 502, 503 or 504; idempotent methods only, before anything reached the client. */
        STATUS_5XX_IDEMPOTENT("status_5xx_idempotent");

        private final String configName;

        On(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    public RetryConfig {
        on = Set.copyOf(requireNonNull(on, "on"));
        requireNonNull(perTryTimeout, "perTryTimeout");
    }
}
