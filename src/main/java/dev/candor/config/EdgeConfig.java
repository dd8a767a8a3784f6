package dev.candor.config;

import java.util.List;

/**
 * The process-wide edge settings (SPEC §10).
 *
 * @param trustedProxies addresses whose {@code X-Forwarded-For} is believed; empty = nobody's
 * @param rateLimitStore where rate-limit buckets live: null = in this process ({@code local}), else the
 *                       Redis server shared by a fleet
 */
public record EdgeConfig(List<Cidr> trustedProxies, HostPort rateLimitStore) {
    public static final EdgeConfig DEFAULTS = new EdgeConfig(List.of(), null);

    public EdgeConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }
}
