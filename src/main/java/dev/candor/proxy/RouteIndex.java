package dev.candor.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the first matching route without trying every route: routes are grouped by host (a hash of exact
 * hosts, a hash of {@code *.} suffixes looked up once per dot of the request's host, and the routes for
 * any host), and within each group by path (a hash of exact paths, a character trie of prefixes, and the
 * rest: regexes and routes with no path condition). Each group yields its routes in config order; the
 * answer is the lowest-numbered route that matches in any group, which is what a first-match scan finds.
 * Built once per config snapshot; read-only afterwards, so every event loop shares it.
 */
final class RouteIndex {
    private static final int NONE = Integer.MAX_VALUE;

    private final Route[] routes;
    private final Map<String, Group> byHost = new HashMap<>();
    private final Map<String, Group> bySuffix = new HashMap<>();
    private final Group anyHost;

    RouteIndex(Route[] routes) {
        this.routes = routes;
        Map<String, Builder> hosts = new HashMap<>();
        Map<String, Builder> suffixes = new HashMap<>();
        Builder any = new Builder();
        for (int i = 0; i < routes.length; i++) {
            Route r = routes[i];
            Builder b = r.exactHost() != null ? hosts.computeIfAbsent(r.exactHost(), h -> new Builder())
                    : r.hostSuffix() != null ? suffixes.computeIfAbsent(r.hostSuffix(), h -> new Builder())
                    : any;
            b.add(i, r);
        }
        hosts.forEach((h, b) -> byHost.put(h, b.build()));
        suffixes.forEach((s, b) -> bySuffix.put(s, b.build()));
        anyHost = any.build();
    }

    Route match(RouteRequest request) {
        int best = NONE;
        String host = request.host;
        if (host != null) {
            Group exact = byHost.get(host);
            if (exact != null) {
                best = exact.first(routes, request, best);
            }
            if (!bySuffix.isEmpty()) {
                // ".b.example.com", ".example.com", ".com": every suffix a *. route could name.
                for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
                    Group g = bySuffix.get(host.substring(dot));
                    if (g != null) {
                        best = g.first(routes, request, best);
                    }
                }
            }
        }
        best = anyHost.first(routes, request, best);
        return best == NONE ? null : routes[best];
    }

    /** The routes of one host key, by path condition; every array holds route numbers in ascending order. */
    private static final class Group {
        private final Map<String, int[]> exactPaths;
        private final PrefixNode prefixes;
        private final int[] others;

        Group(Map<String, int[]> exactPaths, PrefixNode prefixes, int[] others) {
            this.exactPaths = exactPaths;
            this.prefixes = prefixes;
            this.others = others;
        }

        /** The lowest-numbered matching route of this group below {@code best}, else {@code best}. */
        int first(Route[] routes, RouteRequest r, int best) {
            best = firstIn(others, routes, r, best);
            if (exactPaths != null) {
                int[] exact = exactPaths.get(r.path());
                if (exact != null) {
                    best = firstIn(exact, routes, r, best);
                }
            }
            if (prefixes != null) {
                // Walk the target through the trie: every node passed ends a prefix of it.
                String uri = r.uri;
                PrefixNode node = prefixes;
                for (int i = 0; i < uri.length() && node != null; i++) {
                    node = node.child(uri.charAt(i));
                    if (node != null && node.routes != null) {
                        if (node.routes[0] >= best) {
                            // Deeper prefixes may still hold lower numbers: keep walking.
                            continue;
                        }
                        best = firstIn(node.routes, routes, r, best);
                    }
                }
            }
            return best;
        }

        private static int firstIn(int[] candidates, Route[] routes, RouteRequest r, int best) {
            for (int n : candidates) {
                if (n >= best) {
                    return best;
                }
                if (routes[n].matches(r)) {
                    return n;
                }
            }
            return best;
        }
    }

    /** One node of the prefix trie: the routes whose prefix ends here, and the next characters. */
    private static final class PrefixNode {
        private char[] keys = new char[0];
        private PrefixNode[] children = new PrefixNode[0];
        int[] routes;

        PrefixNode child(char c) {
            char[] k = keys;
            for (int i = 0; i < k.length; i++) {
                if (k[i] == c) {
                    return children[i];
                }
            }
            return null;
        }

        PrefixNode childOrNew(char c) {
            PrefixNode existing = child(c);
            if (existing != null) {
                return existing;
            }
            PrefixNode n = new PrefixNode();
            keys = java.util.Arrays.copyOf(keys, keys.length + 1);
            children = java.util.Arrays.copyOf(children, children.length + 1);
            keys[keys.length - 1] = c;
            children[children.length - 1] = n;
            return n;
        }

        void add(int route) {
            routes = routes == null ? new int[] {route} : append(routes, route);
        }
    }

    private static int[] append(int[] a, int v) {
        int[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** Collects one group's routes, in config order. */
    private static final class Builder {
        private Map<String, int[]> exactPaths;
        private PrefixNode prefixes;
        private final List<Integer> others = new ArrayList<>();

        void add(int n, Route r) {
            if (r.exactPath() != null) {
                if (exactPaths == null) {
                    exactPaths = new HashMap<>();
                }
                exactPaths.merge(r.exactPath(), new int[] {n}, (a, b) -> append(a, b[0]));
            } else if (r.pathPrefix() != null) {
                if (prefixes == null) {
                    prefixes = new PrefixNode();
                }
                PrefixNode node = prefixes;
                for (int i = 0; i < r.pathPrefix().length(); i++) {
                    node = node.childOrNew(r.pathPrefix().charAt(i));
                }
                node.add(n);
            } else {
                others.add(n);
            }
        }

        Group build() {
            return new Group(exactPaths, prefixes, others.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
