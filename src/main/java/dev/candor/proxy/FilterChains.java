package dev.candor.proxy;

import dev.candor.config.RouteConfig;
import dev.candor.observe.Metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Builds each route's filter chain once per config snapshot: access rules, then the rate limit (a request
 * the rules refuse takes no token), then the header rules. Outlives reloads so that a route whose
 * {@code rate_limit} did not change keeps its buckets, and a client cannot reset its limit by waiting
 * for a reload.
 */
final class FilterChains {
    private final Metrics metrics;
    private final RedisBuckets shared;
    /** The rate-limit filters of the latest snapshot, by route name. */
    private Map<String, RateLimitFilter> rateLimits = Map.of();

    /** {@code shared} is the fleet's rate-limit store, or null for local buckets only. */
    FilterChains(Metrics metrics, RedisBuckets shared) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.shared = shared;
    }

    /** One chain per route, in route order. Called once per snapshot, off the request path. */
    synchronized List<FilterChain> build(List<RouteConfig> routes) {
        List<FilterChain> chains = new ArrayList<>(routes.size());
        Map<String, RateLimitFilter> nextLimits = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            String path = "routes[" + i + "]";
            List<ProxyFilter> filters = new ArrayList<>(3);
            if (r.access() != null) {
                filters.add(new AccessFilter(r.name(), path + ".access", r.access()));
            }
            if (r.rateLimit() != null) {
                RateLimitFilter kept = rateLimits.get(r.name());
                // Same limit at the same place: same buckets (the path is in the filter's evidence text).
                RateLimitFilter limit = kept != null && kept.config().equals(r.rateLimit())
                        && kept.path().equals(path + ".rate_limit")
                        ? kept : new RateLimitFilter(r.name(), path + ".rate_limit", r.rateLimit(), metrics, shared);
                nextLimits.put(r.name(), limit);
                filters.add(limit);
            }
            filters.add(HeaderRulesFilter.INSTANCE);
            chains.add(filters.size() == 1 ? FilterChain.DEFAULT : new FilterChain(filters));
        }
        rateLimits = nextLimits;
        return chains;
    }
}
