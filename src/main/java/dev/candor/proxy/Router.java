package dev.candor.proxy;

import dev.candor.config.RouteConfig;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** Finds the route of a request: the first rule that matches, in config order. */
public final class Router {
    private final Route[] routes;

    /** Routes whose filters are the header rules only. */
    public Router(List<RouteConfig> routes) {
        this.routes = routes.stream().map(r -> new Route(r, FilterChain.DEFAULT)).toArray(Route[]::new);
    }

    /** Routes with their filter chains, {@code chains} in route order. */
    Router(List<RouteConfig> routes, List<FilterChain> chains) {
        this.routes = new Route[routes.size()];
        for (int i = 0; i < this.routes.length; i++) {
            this.routes[i] = new Route(routes.get(i), chains.get(i));
        }
    }

    /** The first matching route, or null when none matches. */
    public Route match(String host, String path, HttpMethod method) {
        for (Route r : routes) {
            if (r.matches(host, path, method)) {
                return r;
            }
        }
        return null;
    }
}
