package dev.candor.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** Checks {@code routes}: names, match conditions and that each names a declared upstream. */
final class RouteValidator {

    private final Problems problems;
    private final Values values;
    private final EdgeValidator edge;

    RouteValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
        this.edge = new EdgeValidator(problems, values);
    }

    List<RouteConfig> validate(List<RawConfig.Route> raw, List<String> upstreamNames) {
        if (raw == null || raw.isEmpty()) {
            if (!problems.hasAt("routes")) {
                if (raw == null) {
                    problems.missing(ConfigPath.ROOT, "routes");
                } else {
                    problems.at("routes", "at least one route is required");
                }
            }
            return List.of();
        }
        List<RouteConfig> routes = new ArrayList<>();
        Map<String, String> pathByName = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = ConfigPath.index("routes", i);
            RawConfig.Route route = raw.get(i);
            if (route == null) {
                problems.at(path, "empty entry; expected a mapping with 'upstream'");
                continue;
            }
            String namePath = ConfigPath.child(path, "name");
            String name = route.name == null ? "route-" + (i + 1) : values.text(namePath, route.name);
            if (name != null && name.isBlank()) {
                problems.at(namePath, "must not be empty (omit it for the default route-" + (i + 1) + ")");
                name = null;
            }
            String earlier = name == null ? null : pathByName.putIfAbsent(name, path);
            if (earlier != null) {
                problems.at(route.name == null ? path : namePath,
                        "duplicate route name '" + name + "' (also used by " + earlier + ")");
            }
            MatchConfig match = match(ConfigPath.child(path, "match"), route.match);
            String upstream = upstream(path, route.upstream, upstreamNames);
            AccessConfig access = edge.access(ConfigPath.child(path, "access"), route.access);
            RateLimitConfig rateLimit = edge.rateLimit(ConfigPath.child(path, "rate_limit"), route.rateLimit);
            if (name != null && match != null && upstream != null) {
                routes.add(new RouteConfig(name, match, upstream, access, rateLimit));
            }
        }
        return routes;
    }

    private String upstream(String routePath, String raw, List<String> upstreamNames) {
        if (raw == null) {
            problems.missing(routePath, "upstream");
            return null;
        }
        String path = ConfigPath.child(routePath, "upstream");
        String name = values.text(path, raw);
        if (name != null && !upstreamNames.contains(name)) {
            problems.at(path, "no upstream named '" + name + "' ("
                    + (upstreamNames.isEmpty() ? "no upstreams are defined" : "known: " + String.join(", ", upstreamNames))
                    + ")");
            return null;
        }
        return name;
    }

    private MatchConfig match(String path, RawConfig.Match raw) {
        if (raw == null) {
            return MatchConfig.ANY;
        }
        String hostPath = ConfigPath.child(path, "host");
        String host = values.text(hostPath, raw.host);
        if (host != null) {
            String problem = RouteMatchRules.hostProblem(host);
            if (problem != null) {
                problems.at(hostPath, problem);
            }
            host = host.toLowerCase(Locale.ROOT);
        }
        String prefixPath = ConfigPath.child(path, "path_prefix");
        String prefix = values.text(prefixPath, raw.pathPrefix);
        if (prefix != null) {
            String problem = RouteMatchRules.pathPrefixProblem(prefix);
            if (problem != null) {
                problems.at(prefixPath, problem);
            }
        }
        return new MatchConfig(host, prefix, methods(ConfigPath.child(path, "methods"), raw.methods));
    }

    private Set<String> methods(String path, List<String> raw) {
        if (raw == null) {
            return Set.of();
        }
        if (raw.isEmpty()) {
            problems.at(path, "empty list; remove the key to match any method");
            return Set.of();
        }
        Set<String> methods = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String itemPath = ConfigPath.index(path, i);
            if (raw.get(i) == null) {
                problems.at(itemPath, "empty entry; expected a method name such as GET");
                continue;
            }
            String method = values.text(itemPath, raw.get(i));
            if (method != null && !RouteMatchRules.isToken(method)) {
                problems.at(itemPath, "'" + method + "' is not an HTTP method name");
            } else if (method != null) {
                methods.add(method.toUpperCase(Locale.ROOT));
            }
        }
        return methods;
    }
}
