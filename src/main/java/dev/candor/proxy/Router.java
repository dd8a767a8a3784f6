package dev.candor.proxy;

import dev.candor.config.RouteConfig;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** Finds the route of a request: the first rule that matches, in config order. */
public final class Router {
    private final Route[] routes;

    public Router(List<RouteConfig> routes) {
        this.routes = routes.stream().map(Route::new).toArray(Route[]::new);
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
