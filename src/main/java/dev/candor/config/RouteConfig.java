package dev.candor.config;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One routing rule; rules are tried in order and the first match wins.
 *
 * @param upstream where matching requests go; null when the route splits traffic, redirects or responds itself
 * @param access who may use the route, or null for everyone
 * @param rateLimit the route's token bucket, or null for none
 * @param actions what the route does besides choosing an upstream (rewrites, headers, splits, mirrors, ...)
 */
public record RouteConfig(String name, MatchConfig match, String upstream, AccessConfig access,
                          RateLimitConfig rateLimit, RouteActionsConfig actions) {

    /** A route that only forwards to {@code upstream}, open to every client, without a rate limit. */
    public RouteConfig(String name, MatchConfig match, String upstream) {
        this(name, match, requireNonNull(upstream, "upstream"), RouteActionsConfig.NONE);
    }

    /** A route open to every client, without a rate limit. */
    public RouteConfig(String name, MatchConfig match, String upstream, RouteActionsConfig actions) {
        this(name, match, upstream, null, null, actions);
    }

    /** A route that only forwards to {@code upstream}, with its access rules and rate limit. */
    public RouteConfig(String name, MatchConfig match, String upstream, AccessConfig access,
                       RateLimitConfig rateLimit) {
        this(name, match, requireNonNull(upstream, "upstream"), access, rateLimit, RouteActionsConfig.NONE);
    }

    public RouteConfig {
        requireNonNull(name, "name");
        requireNonNull(match, "match");
        requireNonNull(actions, "actions");
        if (upstream == null && actions.split().isEmpty() && !actions.answersItself()) {
            throw new IllegalArgumentException("route " + name + " needs an upstream, a split, a redirect or a response");
        }
    }

    /** Every upstream this route may forward to (its mirror excluded), in config order. */
    public List<String> upstreams() {
        if (upstream != null) {
            return List.of(upstream);
        }
        List<String> names = new ArrayList<>(actions.split().size());
        for (RouteActionsConfig.SplitConfig s : actions.split()) {
            names.add(s.upstream());
        }
        return names;
    }
}
