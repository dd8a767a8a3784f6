package dev.candor.config;

import static java.util.Objects.requireNonNull;

/**
 * One routing rule; rules are tried in order and the first match wins.
 *
 * @param access who may use the route, or null for everyone
 * @param rateLimit the route's token bucket, or null for none
 */
public record RouteConfig(String name, MatchConfig match, String upstream, AccessConfig access,
                          RateLimitConfig rateLimit) {
    public RouteConfig {
        requireNonNull(name, "name");
        requireNonNull(match, "match");
        requireNonNull(upstream, "upstream");
    }

    /** A route open to every client, without a rate limit. */
    public RouteConfig(String name, MatchConfig match, String upstream) {
        this(name, match, upstream, null, null);
    }
}
