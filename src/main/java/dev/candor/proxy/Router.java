package dev.candor.proxy;

import dev.candor.config.RouteConfig;
import dev.candor.config.UpstreamConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Finds the route of a request: the first rule that matches, in config order. A {@link RouteIndex} answers,
 * so the cost does not grow with the number of hosts and prefixes; {@link #scan} is the plain first-match
 * loop it must agree with, kept as the reference.
 */
public final class Router {
    private final Route[] routes;
    private final RouteIndex index;

    /**
     * Routes for tools that only ask where a request goes: retries and timeouts worked out per request, and
     * the header rules as the only filter (access rules, rate limits and local answers are not run here).
     */
    public Router(List<RouteConfig> routes) {
        this(routes, Map.of(), Collections.nCopies(routes.size(), FilterChain.DEFAULT));
    }

    /**
     * Routes with the effective retries and timeouts of each upstream they use worked out once, and their
     * filter chains ({@code chains} in route order, from {@link FilterChains#build}).
     */
    Router(List<RouteConfig> routes, Map<String, UpstreamConfig> upstreams, List<FilterChain> chains) {
        this.routes = new Route[routes.size()];
        for (int i = 0; i < this.routes.length; i++) {
            this.routes[i] = new Route(routes.get(i), upstreams, chains.get(i));
        }
        this.index = new RouteIndex(this.routes);
    }

    /** The first matching route for a request with no headers to look at, or null when none matches. */
    public Route match(String host, String path, HttpMethod method) {
        return match(host, path, method, null);
    }

    /**
     * The first matching route, or null when none matches.
     *
     * @param host the request's host, lower case, without port; null when it has none
     * @param uri the request target in origin form, query included
     * @param headers the request's headers; null when there are none to look at
     */
    public Route match(String host, String uri, HttpMethod method, HttpHeaders headers) {
        return index.match(new RouteRequest(host, uri, method, headers));
    }

    /** The first matching route found by trying each in order: the reference the index must agree with. */
    Route scan(RouteRequest request) {
        for (Route r : routes) {
            if (r.matches(request)) {
                return r;
            }
        }
        return null;
    }

    Route indexed(RouteRequest request) {
        return index.match(request);
    }
}
