package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * A route's {@code rate_limit}: one token bucket per key, refilled with {@code tokens} every {@code period}
 * (spread evenly), holding at most {@code burst}; a request takes one token or is refused with 429.
 *
 * @param tokens tokens added per period (the N of {@code N/s} or {@code N/m})
 * @param period one second or one minute
 * @param burst the bucket's size: how many requests may come at once after a quiet spell
 * @param header the request header whose value is the key, or null to key by the client's address
 */
public record RateLimitConfig(long tokens, Duration period, long burst, String header) {
    public RateLimitConfig {
        requireNonNull(period, "period");
        if (tokens < 1 || burst < 1) {
            throw new IllegalArgumentException("tokens and burst must be at least 1");
        }
    }

    /** The rate as written: {@code 100/s} or {@code 30/m}. */
    public String rate() {
        return tokens + (period.equals(Duration.ofSeconds(1)) ? "/s" : "/m");
    }

    /** {@code client_ip} or {@code header(NAME)}. */
    public String key() {
        return header == null ? "client_ip" : "header(" + header + ")";
    }
}
