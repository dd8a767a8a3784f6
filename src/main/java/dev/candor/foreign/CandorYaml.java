package dev.candor.foreign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code candor.yaml} an import writes: listeners, routes, upstreams, limits and the list of what was not
 * carried over, filled in by one translator ({@link NginxImport}, {@link HaproxyImport}) and written once, in
 * the order Candor's configuration reference documents the keys.
 */
final class CandorYaml {
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private final Map<String, String> limits = new LinkedHashMap<>();
    private final List<String> notCarried = new ArrayList<>();

    /** One listener: its address, TLS certificates ({@code [cert, key]}) and PROXY protocol. */
    static final class Listener {
        final List<String[]> certificates = new ArrayList<>();
        boolean proxyProtocol;
    }

    /**
     * One route: {@code host} (null for any), a path condition ({@code pathKey} is {@code path_prefix},
     * {@code path} or {@code path_regex}; null for none), methods, headers and query parameters (empty for any).
     */
    record Route(String host, String pathKey, String path, List<String> methods, Map<String, String> headers,
                 Map<String, String> query, String upstream) {

        static Route of(String host, String pathKey, String path, String upstream) {
            return new Route(host, pathKey, path, List.of(), Map.of(), Map.of(), upstream);
        }
    }

    /** One upstream's keys; a null field is left out (Candor's default applies). */
    static final class Upstream {
        final String name;
        final List<String[]> endpoints = new ArrayList<>();
        boolean weighted;
        String balancer;
        String connect;
        String response;
        String idle;
        String tunnelIdle;
        String poolIdleTimeout;
        String poolMaxConnections;
        /** {@code health_check} keys in the order written. */
        final Map<String, String> healthCheck = new LinkedHashMap<>();
        String retries;
        boolean tls;
        /** {@code tls.verify: false} with this comment; null keeps verification on. */
        String noVerifyBecause;
        String tlsCa;

        Upstream(String name) {
            this.name = name;
        }

        /** Adds an endpoint; a weight other than 1 makes the upstream "weighted". */
        void endpoint(String address, int weight) {
            endpoints.add(new String[] {address, Integer.toString(weight)});
            weighted |= weight != 1;
        }
    }

    Listener listener(String address) {
        return listeners.computeIfAbsent(address, a -> new Listener());
    }

    boolean hasListener(String address) {
        return listeners.containsKey(address);
    }

    /** Adds a route after the others; one equal to an earlier route could never match first, so it is left out. */
    void route(Route r) {
        if (!routes.contains(r)) {
            routes.add(r);
        }
    }

    List<Route> routes() {
        return routes;
    }

    Upstream upstream(String name) {
        return upstreams.computeIfAbsent(name, Upstream::new);
    }

    Upstream existing(String name) {
        return upstreams.get(name);
    }

    /** A {@code limits} key (the first value given is kept). */
    void limit(String key, String value) {
        limits.putIfAbsent(key, value);
    }

    /** A line of the "Not carried over" comment. */
    void notCarried(String line) {
        notCarried.add(line);
    }

    String write(String source) {
        StringBuilder y = new StringBuilder("# candor.yaml translated by `candor import` from ").append(source).append('\n');
        y.append("listeners:\n");
        for (Map.Entry<String, Listener> l : listeners.entrySet()) {
            y.append("  - address: ").append(q(l.getKey())).append('\n');
            if (l.getValue().proxyProtocol) {
                y.append("    proxy_protocol: true\n");
            }
            if (!l.getValue().certificates.isEmpty()) {
                y.append("    tls:\n      certificates:\n");
                for (String[] c : l.getValue().certificates) {
                    y.append("        - cert: ").append(q(c[0])).append("\n          key: ").append(q(c[1])).append('\n');
                }
            }
        }
        if (!limits.isEmpty()) {
            y.append("limits:\n");
            limits.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        }
        y.append("routes:\n");
        for (Route r : routes) {
            List<String> m = new ArrayList<>();
            if (r.host() != null) {
                m.add("host: " + q(r.host()));
            }
            if (r.pathKey() != null) {
                m.add(r.pathKey() + ": " + q(r.path()));
            }
            if (!r.methods().isEmpty()) {
                m.add("methods: [" + String.join(", ", r.methods().stream().map(CandorYaml::q).toList()) + "]");
            }
            if (!r.headers().isEmpty()) {
                m.add("headers: " + flow(r.headers()));
            }
            if (!r.query().isEmpty()) {
                m.add("query: " + flow(r.query()));
            }
            if (m.isEmpty()) {
                m.add("path_prefix: \"/\"");
            }
            y.append("  - match: { ").append(String.join(", ", m)).append(" }\n")
                    .append("    upstream: ").append(q(r.upstream())).append('\n');
        }
        y.append("upstreams:\n");
        for (Upstream u : upstreams.values()) {
            if (!u.endpoints.isEmpty()) {
                upstream(y, u);
            }
        }
        if (!notCarried.isEmpty()) {
            y.append("\n# Not carried over from ").append(source).append(":\n");
            for (String n : notCarried) {
                y.append("#   ").append(n.replace('\n', ' ').replace('\r', ' ')).append('\n');
            }
        }
        return y.toString();
    }

    private static void upstream(StringBuilder y, Upstream u) {
        y.append("  ").append(q(u.name)).append(":\n    endpoints:\n");
        for (String[] e : u.endpoints) {
            y.append("      - address: ").append(q(e[0])).append('\n');
            if (!e[1].equals("1")) {
                y.append("        weight: ").append(e[1]).append('\n');
            }
        }
        String balancer = u.balancer != null ? u.balancer : u.weighted ? "weighted_round_robin" : null;
        if (balancer != null) {
            y.append("    balancer: ").append(balancer).append('\n');
        }
        if (u.connect != null || u.response != null || u.idle != null || u.tunnelIdle != null) {
            y.append("    timeouts:\n");
            key(y, "      connect", u.connect);
            key(y, "      response", u.response);
            key(y, "      idle", u.idle);
            key(y, "      tunnel_idle", u.tunnelIdle);
        }
        if (u.poolMaxConnections != null || u.poolIdleTimeout != null) {
            y.append("    pool:\n");
            if (u.poolMaxConnections != null) {
                y.append("      max_connections: ").append(u.poolMaxConnections).append('\n');
            }
            key(y, "      idle_timeout", u.poolIdleTimeout);
        }
        if (!u.healthCheck.isEmpty()) {
            y.append("    health_check:\n");
            u.healthCheck.forEach((k, v) -> y.append("      ").append(k).append(": ").append(v).append('\n'));
        }
        if (u.retries != null) {
            y.append("    retries:\n      attempts: ").append(u.retries).append('\n');
        }
        if (u.tls) {
            if (u.noVerifyBecause == null && u.tlsCa == null) {
                y.append("    tls: {}\n");
            } else {
                y.append("    tls:\n");
                if (u.noVerifyBecause != null) {
                    y.append("      verify: false   # ").append(u.noVerifyBecause).append('\n');
                }
                key(y, "      ca", u.tlsCa);
            }
        }
    }

    private static void key(StringBuilder y, String key, String value) {
        if (value != null) {
            y.append(key).append(": ").append(q(value)).append('\n');
        }
    }

    private static String flow(Map<String, String> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(q(k) + ": " + q(v)));
        return "{ " + String.join(", ", parts) + " }";
    }

    /** A duration as Candor writes it: the largest whole unit ({@code 90s} stays {@code 90s}, {@code 2m}, {@code 500ms}). */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 && !d.isZero()) {
            return "1ms"; // HAProxy's microseconds: Candor's durations count milliseconds at the finest
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** A YAML double-quoted scalar. */
    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
