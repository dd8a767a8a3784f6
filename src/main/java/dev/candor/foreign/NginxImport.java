package dev.candor.foreign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An nginx configuration translated into a {@code candor.yaml}: {@code listen} and {@code ssl_certificate}
 * become listeners, {@code server_name} and {@code location} prefixes routes (longest prefix first, as nginx
 * chooses), {@code upstream} blocks and {@code proxy_pass} targets upstreams with their weights, balancer,
 * timeouts and keep-alive. Every other directive is kept as a comment that says why it was not carried over.
 */
public final class NginxImport {
    private static final Pattern PROXY_PASS = Pattern.compile("^(https?)://([^/]+)(/.*)?$");
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)?$");

    private final CandorYaml out = new CandorYaml();
    private final List<Route> routes = new ArrayList<>();
    /** Listen addresses seen, and whether one server block was marked default for them. */
    private final Map<String, Boolean> defaultFor = new LinkedHashMap<>();
    private boolean defaultTaken;
    private List<Directive> allServers = List.of();

    private record Route(String host, String prefix, String upstream, int order) {
    }

    /** Timeouts in force at one level: inherited from http, then server, then location. */
    private record Timeouts(String connect, String read) {
        Timeouts with(Directive d) {
            return switch (d.name()) {
                case "proxy_connect_timeout" -> new Timeouts(duration(d.arg(0)), read);
                case "proxy_read_timeout" -> new Timeouts(connect, duration(d.arg(0)));
                default -> this;
            };
        }
    }

    private NginxImport() {
    }

    /** The candor.yaml for these directives (from {@link NginxConfig#parse}), comments included. */
    public static String translate(List<Directive> top, String source) {
        NginxImport t = new NginxImport();
        for (Directive d : top) {
            if (d.name().equals("http")) {
                t.http(d.block());
            } else {
                t.skip(d, d.name().equals("events") || d.name().equals("worker_processes")
                        ? "Candor sizes its event loops with `workers` (default: one per core)"
                        : "no equivalent in candor.yaml");
            }
        }
        return t.yaml(source);
    }

    private void http(List<Directive> block) {
        Timeouts inherited = new Timeouts(null, null);
        for (Directive d : block) {
            inherited = inherited.with(d);
        }
        for (Directive d : block) {
            switch (d.name()) {
                case "upstream" -> upstream(d);
                case "server", "proxy_connect_timeout", "proxy_read_timeout" -> {
                }
                case "access_log" -> skip(d, "Candor writes JSON lines: set access_log.path");
                case "keepalive_timeout" -> skip(d, "the client side's keep-alive is limits.client_idle_timeout");
                default -> skip(d, "no equivalent in candor.yaml");
            }
        }
        int order = 0;
        allServers = block.stream().filter(d -> d.name().equals("server")).toList();
        for (Directive d : block) {
            if (d.name().equals("server")) {
                order = server(d, inherited, order);
            }
        }
    }

    private void upstream(Directive d) {
        CandorYaml.Upstream u = out.upstream(d.arg(0));
        for (Directive s : d.block()) {
            switch (s.name()) {
                case "server" -> {
                    String address = withPort(s.arg(0), 80);
                    String weight = "1";
                    for (String a : s.args().subList(1, s.args().size())) {
                        if (a.startsWith("weight=")) {
                            weight = a.substring(7);
                            u.weighted |= !weight.equals("1");
                        } else {
                            skip(s, "the parameter " + a + " has no per-endpoint equivalent (see outlier_detection and"
                                    + " health_check)");
                        }
                    }
                    if (address == null) {
                        skip(s, "Candor does not reach endpoints through unix sockets");
                    } else {
                        u.endpoints.add(new String[] {address, weight});
                    }
                }
                case "least_conn" -> u.balancer = "least_request";
                case "ip_hash" -> u.balancer = "ip_hash";
                case "random" -> u.balancer = "random";
                case "keepalive_timeout" -> u.poolIdleTimeout = duration(s.arg(0));
                case "keepalive" -> skip(s, "Candor keeps idle connections per endpoint up to pool.max_connections and"
                        + " closes them after pool.idle_timeout; there is no separate idle count");
                default -> skip(s, "no equivalent in candor.yaml");
            }
        }
    }

    private int server(Directive server, Timeouts http, int order) {
        Timeouts inherited = http;
        for (Directive d : server.block()) {
            inherited = inherited.with(d);
        }
        List<String> names = new ArrayList<>();
        List<String[]> certs = new ArrayList<>();
        List<String> listens = new ArrayList<>();
        List<Boolean> tls = new ArrayList<>();
        String cert = null;
        String key = null;
        for (Directive d : server.block()) {
            switch (d.name()) {
                case "listen" -> {
                    String a = listenAddress(d.arg(0));
                    if (a == null) {
                        skip(d, "Candor listens on TCP addresses only");
                    } else {
                        listens.add(a);
                        tls.add(d.args().contains("ssl"));
                    }
                }
                case "server_name" -> names.addAll(d.args());
                case "ssl_certificate" -> cert = d.arg(0);
                case "ssl_certificate_key" -> key = d.arg(0);
                case "location", "proxy_connect_timeout", "proxy_read_timeout" -> {
                }
                default -> skip(d, "no equivalent in candor.yaml");
            }
        }
        if (cert != null && key != null) {
            certs.add(new String[] {cert, key});
        }
        if (listens.isEmpty()) {
            listens.add("0.0.0.0:80");
            tls.add(false);
        }
        for (int i = 0; i < listens.size(); i++) {
            CandorYaml.Listener mine = out.listener(listens.get(i));
            if (tls.get(i)) {
                mine.certificates.addAll(certs);
            }
        }
        List<String> hosts = new ArrayList<>();
        for (String n : names) {
            if (n.isEmpty() || n.equals("_") || n.equals("localhost") && names.size() == 1) {
                continue;
            }
            if (n.startsWith("~")) {
                skip(server, "the regular-expression server_name " + n + " has no equivalent (host matches are exact or *.)");
            } else if (n.startsWith(".")) {
                hosts.add(n.substring(1));
                hosts.add("*" + n);
            } else {
                hosts.add(n);
            }
        }
        // the server that answers requests for no other server_name: marked default_server, or the first one
        boolean isDefault = server.block().stream().anyMatch(d -> d.name().equals("listen")
                && (d.args().contains("default_server") || d.args().contains("default")));
        if (!isDefault && !explicitDefault(server) && listens.stream().noneMatch(defaultFor::containsKey)) {
            isDefault = true;
        }
        for (String l : listens) {
            defaultFor.putIfAbsent(l, isDefault);
        }
        if (isDefault && !hosts.contains(null)) {
            if (defaultTaken) {
                skip(server, "a second default server: Candor's routes are the same on every listener, so only the"
                        + " first default server's locations answer requests for other hosts");
            } else {
                hosts.add(null);
                defaultTaken = true;
            }
        }
        for (Directive d : server.block()) {
            if (d.name().equals("location")) {
                location(d, inherited, hosts, order++);
            }
        }
        return order;
    }

    /** Whether some server block marks a listen address of this one as default_server (then this one is not). */
    private boolean explicitDefault(Directive server) {
        List<String> mine = server.block().stream().filter(d -> d.name().equals("listen")).map(d -> d.arg(0)).toList();
        return allServers.stream().flatMap(s -> s.block().stream())
                .anyMatch(d -> d.name().equals("listen") && mine.contains(d.arg(0))
                        && (d.args().contains("default_server") || d.args().contains("default")));
    }

    private void location(Directive d, Timeouts inherited, List<String> hosts, int order) {
        String prefix;
        if (d.args().size() == 1 || d.args().size() == 2 && d.arg(0).equals("^~")) {
            prefix = d.args().get(d.args().size() - 1);
        } else {
            skip(d, "only prefix locations have an equivalent (path_prefix); = and regular expressions do not");
            return;
        }
        Timeouts t = inherited;
        for (Directive x : d.block()) {
            t = t.with(x);
        }
        String upstream = null;
        for (Directive x : d.block()) {
            switch (x.name()) {
                case "proxy_pass" -> upstream = proxyPass(x);
                case "proxy_connect_timeout", "proxy_read_timeout" -> {
                }
                case "proxy_http_version", "proxy_set_header" -> skip(x, "Candor speaks HTTP/1.1 with keep-alive to"
                        + " upstreams and sets Host, X-Forwarded-* and Via itself");
                default -> skip(x, "no equivalent in candor.yaml");
            }
        }
        if (upstream == null) {
            return;
        }
        CandorYaml.Upstream u = out.existing(upstream);
        timeout(u, "connect", t.connect(), d);
        timeout(u, "response", t.read(), d);
        for (String h : hosts) {
            routes.add(new Route(h, prefix, upstream, order));
        }
    }

    private void timeout(CandorYaml.Upstream u, String which, String value, Directive where) {
        if (value == null) {
            return;
        }
        String current = which.equals("connect") ? u.connect : u.response;
        if (current == null) {
            if (which.equals("connect")) {
                u.connect = value;
            } else {
                // proxy_read_timeout bounds the wait for the head and every silence in the body
                u.response = value;
                u.idle = value;
            }
        } else if (!current.equals(value)) {
            skip(where, "upstream " + u.name + " already has timeouts." + which + " " + current
                    + " from another location; Candor's timeouts are per upstream on this version");
        }
    }

    /** The upstream a proxy_pass names, created for a literal address; null when it cannot be carried. */
    private String proxyPass(Directive d) {
        Matcher m = PROXY_PASS.matcher(d.arg(0) == null ? "" : d.arg(0));
        if (!m.matches() || d.arg(0).contains("$")) {
            skip(d, "only http:// and https:// targets without variables have an equivalent");
            return null;
        }
        boolean https = m.group(1).equals("https");
        String target = m.group(2);
        if (m.group(3) != null) {
            // with a URI part, nginx replaces the location's prefix with it (proxy_pass http://b/ strips /admin/)
            skip(d, "the URI part " + m.group(3) + " replaces the location's prefix in nginx; Candor forwards the"
                    + " request's path unchanged on this version");
        }
        CandorYaml.Upstream u = out.existing(target);
        if (u == null) {
            String address = withPort(target, https ? 443 : 80);
            String name = target.replaceAll("[^A-Za-z0-9_-]", "_");
            u = out.upstream(name);
            if (u.endpoints.isEmpty()) {
                u.endpoints.add(new String[] {address, "1"});
            }
        }
        if (https) {
            u.tls = true;
            u.noVerifyBecause = "nginx verifies upstream certificates only with proxy_ssl_verify on";
        }
        return u.name;
    }

    private void skip(Directive d, String why) {
        out.notCarried(d.where() + ": " + d.text() + (d.block().isEmpty() ? "" : " {…}") + " — " + why);
    }

    private String yaml(String source) {
        List<Route> sorted = new ArrayList<>(routes);
        // nginx picks the server by host first, then the longest prefix: the same order, first match wins
        sorted.sort(Comparator.comparing((Route r) -> r.host() == null)
                .thenComparing(r -> -r.prefix().length()).thenComparingInt(Route::order));
        for (Route r : sorted) {
            out.route(CandorYaml.Route.of(r.host(), "path_prefix", r.prefix(), r.upstream()));
        }
        return out.write(source);
    }

    /** {@code host[:port]} with the default port added; null for a unix socket. */
    private static String withPort(String target, int port) {
        if (target == null || target.startsWith("unix:")) {
            return null;
        }
        boolean hasPort = target.startsWith("[") ? target.contains("]:") : target.indexOf(':') > 0;
        return hasPort ? target : target + ":" + port;
    }

    /** {@code 80}, {@code *:80}, {@code 127.0.0.1:8080}, {@code [::]:80} → an address Candor binds; null otherwise. */
    private static String listenAddress(String listen) {
        if (listen == null || listen.startsWith("unix:")) {
            return null;
        }
        if (listen.matches("\\d+")) {
            return "0.0.0.0:" + listen;
        }
        if (listen.startsWith("*:")) {
            return "0.0.0.0:" + listen.substring(2);
        }
        return withPort(listen, 80);
    }

    /** nginx's {@code 30}, {@code 30s}, {@code 1m}, {@code 500ms} as Candor's duration. */
    static String duration(String nginx) {
        if (nginx == null) {
            return null;
        }
        Matcher m = DURATION.matcher(nginx);
        if (!m.matches()) {
            return nginx; // candor check will say what is wrong with it
        }
        return m.group(1) + (m.group(2) == null ? "s" : m.group(2));
    }
}
