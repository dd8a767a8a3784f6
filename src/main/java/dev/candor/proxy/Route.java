package dev.candor.proxy;

import dev.candor.config.MatchConfig;
import dev.candor.config.RouteConfig;
import io.netty.handler.codec.http.HttpMethod;

import java.util.Set;

/** One compiled routing rule: cheap string tests, no regex, evaluated on the event loop. */
public final class Route {
    private final String name;
    private final String upstream;
    private final String exactHost;
    private final String hostSuffix;
    private final String pathPrefix;
    private final Set<String> methods;
    private final FilterChain filters;

    Route(RouteConfig config, FilterChain filters) {
        this.filters = filters;
        this.name = config.name();
        this.upstream = config.upstream();
        MatchConfig m = config.match();
        if (m.host() != null && m.host().startsWith("*.")) {
            this.exactHost = null;
            this.hostSuffix = m.host().substring(1); // ".example.com"
        } else {
            this.exactHost = m.host();
            this.hostSuffix = null;
        }
        this.pathPrefix = m.pathPrefix();
        this.methods = m.methods();
    }

    public String name() {
        return name;
    }

    public String upstream() {
        return upstream;
    }

    /** What requests of this route pass through between routing and forwarding. */
    FilterChain filters() {
        return filters;
    }

    /**
     * @param host the request's host, lower case, without port
     * @param path the request target's path (origin form, query included)
     */
    boolean matches(String host, String path, HttpMethod method) {
        if (exactHost != null && !exactHost.equals(host)) {
            return false;
        }
        // "*.example.com" matches any subdomain at any depth, but not example.com itself (as nginx).
        if (hostSuffix != null && (host == null || host.length() <= hostSuffix.length() || !host.endsWith(hostSuffix))) {
            return false;
        }
        if (pathPrefix != null && !path.startsWith(pathPrefix)) {
            return false;
        }
        return methods.isEmpty() || methods.contains(method.name());
    }
}
