package dev.candor.foreign;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * An HAProxy configuration translated into a {@code candor.yaml}: {@code bind} lines become listeners (with
 * {@code ssl crt} their certificates), {@code use_backend} rules routes (their ACLs on the host, the path, the
 * method, other headers and query parameters), {@code default_backend} the last route, and backends upstreams
 * with their servers' weights, balancer, timeouts, keep-alive and health check. Every line that is not carried
 * over is kept as a comment that says why, in file order.
 */
public final class HaproxyImport {
    /** bind parameters that take no value; every other one takes exactly one. */
    private static final Set<String> BIND_FLAGS = Set.of("ssl", "accept-proxy", "v4v6", "v6only", "transparent",
            "defer-accept", "tfo", "strict-sni", "prefer-client-ciphers", "allow-0rtt", "no-ca-names", "no-sslv3",
            "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "force-sslv3", "force-tlsv10", "force-tlsv11",
            "force-tlsv12", "force-tlsv13", "no-tls-tickets", "generate-certificates", "quic-force-retry",
            "accept-netscaler-cip");
    private static final Set<String> LOGGING = Set.of("httplog", "dontlognull", "tcplog", "logasap", "log-separate-errors",
            "log-health-checks", "dontlog-normal", "httpslog");

    private final HaproxyConfig config;
    private final CandorYaml out = new CandorYaml();
    private final Set<Directive> carried = new HashSet<>();
    private final Map<Directive, List<String>> reasons = new HashMap<>();
    private final Set<HaproxySection> skipped = new HashSet<>();
    /** Backend name → the Candor upstream it became (only backends with at least one endpoint). */
    private final Map<String, String> upstreamOf = new HashMap<>();
    private final Set<String> upstreamNames = new HashSet<>();
    private String catchAll;
    private HaproxyFrontend catchAllFrom;
    private String certBase;
    /** {@code ssl-server-verify} in global: {@code none} turns off verification for servers without {@code verify}. */
    private Directive serverVerify;


    private HaproxyImport(HaproxyConfig config) {
        this.config = config;
    }

    /** The candor.yaml for this configuration, comments included; {@code source} names it in the header. */
    public static String translate(HaproxyConfig config, String source) throws IOException {
        HaproxyImport t = new HaproxyImport(config);
        t.global();
        for (HaproxyBackend b : config.backends()) {
            t.backend(b);
        }
        for (HaproxyFrontend f : config.frontends()) {
            t.frontend(f);
        }
        if (t.catchAll != null) {
            t.out.route(CandorYaml.Route.of(null, "path_prefix", "/", t.catchAll));
        }
        for (HaproxySection s : config.sections()) {
            t.otherSection(s);
        }
        t.comments();
        return t.out.write(source);
    }

    // ---- global and other sections

    private void global() {
        config.global().ifPresent(g -> {
            for (Directive d : g.lines()) {
                switch (d.name()) {
                    case "maxconn" -> {
                        if (parseInt(d.arg(0), -1) >= 0) {
                            out.limit("max_connections", d.arg(0));
                            carried.add(d);
                        }
                    }
                    case "crt-base" -> {
                        certBase = d.arg(0);
                        carried.add(d);
                    }
                    case "ssl-server-verify" -> {
                        serverVerify = d;
                        if ("required".equals(d.arg(0))) {
                            carried.add(d); // Candor verifies endpoint certificates unless told not to
                        }
                    }
                    default -> {
                    }
                }
            }
        });
    }

    private void otherSection(HaproxySection s) {
        switch (s.kind()) {
            case "global", "defaults", "frontend", "backend", "listen" -> {
            }
            case "resolvers" -> skipSection(s, "Candor resolves endpoint host names itself and follows DNS"
                    + " (upstreams.NAME.dns)");
            case "userlist" -> skipSection(s, "Candor has no HTTP authentication of its own");
            case "peers" -> skipSection(s, "Candor keeps no stick tables to share");
            case "http-errors" -> skipSection(s, "Candor answers its own errors with an RFC 9209 Proxy-Status (errors.expose)");
            default -> skipSection(s, "no equivalent in candor.yaml");
        }
    }

    private void skipSection(HaproxySection s, String why) {
        if (skipped.add(s)) {
            reason(s.opened(), why);
        }
    }

    private boolean http(HaproxySection s) {
        Optional<Directive> mode = s.last("mode");
        if (mode.isPresent() && "http".equals(mode.get().arg(0))) {
            carried.add(mode.get());
            return true;
        }
        skipSection(s, mode.isPresent() ? "mode " + mode.get().arg(0) + ": Candor proxies HTTP only"
                : "no `mode http` (HAProxy's default mode is tcp): Candor proxies HTTP only");
        return false;
    }

    // ---- backends → upstreams

    private void backend(HaproxyBackend b) {
        HaproxySection s = b.section();
        if (!http(s)) {
            return;
        }
        String name = uniqueName(b.name());
        CandorYaml.Upstream u = out.upstream(name);
        HaproxyBackend.Server firstChecked = null;
        for (HaproxyBackend.Server server : b.servers()) {
            if (!endpoint(u, server)) {
                continue;
            }
            if (server.check() && firstChecked == null) {
                firstChecked = server;
            }
        }
        if (u.endpoints.isEmpty()) {
            reason(s.opened(), b.servers().isEmpty() ? "no server lines: nothing to send requests to"
                    : "no server that takes traffic was carried over");
            return;
        }
        upstreamOf.put(b.name(), name);
        carried.addAll(s.all("default-server"));
        if (u.tls) {
            for (HaproxyBackend.Server server : b.servers()) {
                if (!server.ssl() && carried.contains(server.source())) {
                    reason(server.source(), "no ssl on this server, but on another: Candor's tls is per upstream,"
                            + " so every endpoint uses TLS");
                }
            }
        }
        balance(u, b);
        HaproxyBackend.Timeouts t = b.timeouts();
        if (t.connect() != null) {
            u.connect = CandorYaml.duration(t.connect().value());
            carried.add(t.connect().source());
        }
        if (t.server() != null) {
            // HAProxy's server timeout bounds every silence of the server: the wait for the head and in the body
            u.response = CandorYaml.duration(t.server().value());
            u.idle = u.response;
            carried.add(t.server().source());
        }
        if (t.tunnel() != null) {
            u.tunnelIdle = CandorYaml.duration(t.tunnel().value());
            carried.add(t.tunnel().source());
        }
        if (t.queue() != null) {
            reason(t.queue().source(), "a request waits for a free connection at most timeouts.connect"
                    + " (pool.max_pending caps how many wait)");
        }
        keepAlive(u, b.keepAlive());
        health(u, b, firstChecked);
        s.last("retries").ifPresent(d -> {
            int n = parseInt(d.arg(0), -1);
            if (n < 0) {
                reason(d, "not a number");
            } else {
                u.retries = Integer.toString(Math.min(n, 10));
                if (n > 10) {
                    reason(d, "Candor retries at most 10 times: retries.attempts is 10");
                } else {
                    carried.add(d);
                }
            }
        });
    }

    private String uniqueName(String backend) {
        String base = backend.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = base;
        for (int i = 2; !upstreamNames.add(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    /** Adds the server as an endpoint; false (with the reason) when it takes no traffic in Candor. */
    private boolean endpoint(CandorYaml.Upstream u, HaproxyBackend.Server server) {
        Directive d = server.source();
        if (server.disabled()) {
            reason(d, "disabled: the server takes no traffic, so no endpoint");
            return false;
        }
        if (server.backup()) {
            reason(d, "backup servers have no equivalent (Candor sends traffic to every endpoint; see"
                    + " when_all_unhealthy)");
            return false;
        }
        if (server.weight() == 0) {
            reason(d, "weight 0 takes no traffic; Candor's weights are 1 or more");
            return false;
        }
        if (server.host().startsWith("/") || server.host().contains("@")) {
            reason(d, "Candor does not reach endpoints through unix sockets");
            return false;
        }
        if (server.port() == 0) {
            reason(d, "no port: HAProxy connects to the port the client connected to; Candor needs one");
            return false;
        }
        if (server.host().contains("$")) {
            reason(d, "an environment variable in the address: write the address itself");
            return false;
        }
        carried.add(d);
        u.endpoint(server.address(), Math.min(server.weight(), 256));
        if (server.ssl() && server.param("verify").isEmpty() && serverVerify != null
                && "none".equals(serverVerify.arg(0))) {
            u.noVerifyBecause = "HAProxy: ssl-server-verify none";
            carried.add(serverVerify);
        }
        for (Map.Entry<String, String> p : server.params().entrySet()) {
            String key = p.getKey();
            String text = (key + " " + p.getValue()).strip();
            switch (key) {
                case "weight", "check", "no-check", "inter", "fall", "rise", "no-ssl" -> {
                }
                case "ssl" -> u.tls = true;
                case "verify" -> {
                    if (p.getValue().equals("none")) {
                        u.noVerifyBecause = "HAProxy: ssl verify none";
                    }
                }
                case "ca-file" -> u.tlsCa = p.getValue();
                case "maxconn" -> {
                    if (u.poolMaxConnections == null) {
                        u.poolMaxConnections = p.getValue();
                    } else if (!u.poolMaxConnections.equals(p.getValue())) {
                        reason(d, "maxconn " + p.getValue() + ": Candor's pool.max_connections is the same for every"
                                + " endpoint; the first server's " + u.poolMaxConnections + " is kept");
                    }
                }
                case "pool-purge-delay" -> {
                    Duration t = HaproxyConfig.time(p.getValue());
                    if (t != null && u.poolIdleTimeout == null) {
                        u.poolIdleTimeout = CandorYaml.duration(t);
                    }
                }
                case "cookie" -> reason(d, "the parameter " + text + ": stickiness by a cookie HAProxy inserts has no"
                        + " equivalent (balancer: cookie_hash(NAME) balances by a cookie the application sets)");
                case "send-proxy", "send-proxy-v2" -> reason(d, "the parameter " + text + ": Candor does not send the"
                        + " PROXY protocol to endpoints (it sets X-Forwarded-For)");
                case "resolvers", "init-addr", "resolve-prefer" -> reason(d, "the parameter " + text + ": Candor"
                        + " resolves endpoint names itself (upstreams.NAME.dns)");
                case "slowstart" -> reason(d, "the parameter " + text + ": Candor has no slow start");
                default -> reason(d, "the parameter " + text + " has no per-endpoint equivalent");
            }
        }
        return true;
    }

    private void balance(CandorYaml.Upstream u, HaproxyBackend b) {
        HaproxyBackend.Balance bal = b.balance();
        Directive d = bal.source();
        b.section().last("hash-type").ifPresent(h -> reason(h, "Candor's hash balancers always hash consistently"));
        switch (bal.algorithm()) {
            case "roundrobin", "static-rr" -> u.balancer = d == null ? null : u.weighted ? "weighted_round_robin"
                    : "round_robin";
            case "leastconn" -> u.balancer = "least_request";
            case "source" -> u.balancer = "ip_hash";
            case "random" -> {
                u.balancer = "random";
                if (!bal.args().isEmpty()) {
                    reason(d, "Candor's random draws one endpoint, by weight");
                    return;
                }
            }
            default -> {
                Matcher m = HaproxyMatch.FETCH.matcher(bal.algorithm());
                if (m.matches() && m.group(1).equals("hdr") && m.group(2) != null && !m.group(2).isEmpty()) {
                    u.balancer = "header_hash(" + m.group(2) + ")";
                } else {
                    reason(d, "no equivalent balancer (round_robin, least_request, random, ip_hash, header_hash,"
                            + " cookie_hash): Candor's default round_robin applies");
                    return;
                }
            }
        }
        if (d != null) {
            carried.add(d);
        }
    }

    private void keepAlive(CandorYaml.Upstream u, HaproxyBackend.KeepAlive k) {
        if (!k.mode().equals("http-keep-alive")) {
            u.poolIdleTimeout = "0s";
            carried.add(k.modeSource());
        } else if (k.modeSource() != null) {
            carried.add(k.modeSource());
        }
        if (k.reuseSource() != null) {
            if (k.reuse().equals("never")) {
                u.poolIdleTimeout = "0s";
                carried.add(k.reuseSource());
            } else {
                reason(k.reuseSource(), "Candor keeps idle connections per endpoint and reuses them for later"
                        + " requests (pool.idle_timeout); there is no reuse policy to choose");
            }
        }
    }

    private void health(CandorYaml.Upstream u, HaproxyBackend b, HaproxyBackend.Server first) {
        Optional<HaproxyBackend.HealthCheck> check = b.health();
        if (check.isEmpty() || first == null) {
            return;
        }
        HaproxyBackend.HealthCheck h = check.get();
        Map<String, String> hc = u.healthCheck;
        switch (h.type()) {
            case "http" -> {
                carried.add(h.source());
                if (h.uri() == null || !h.uri().startsWith("/") || h.uri().contains(" ") || h.uri().contains("#")) {
                    reason(h.source(), "the check's URI " + h.uri() + " is not a path: Candor's probes use path /");
                    hc.put("path", CandorYaml.q("/"));
                } else {
                    hc.put("path", CandorYaml.q(h.uri()));
                }
                if (h.host() != null) {
                    hc.put("host", CandorYaml.q(h.host()));
                }
                if (!"GET".equals(h.method())) {
                    reason(h.source(), "HAProxy's checks send " + h.method() + "; Candor's probes are GET requests");
                }
            }
            case "tcp" -> hc.put("type", "tcp");
            default -> {
                hc.put("type", "tcp");
                reason(h.source(), "Candor's probes are HTTP or a TCP connect: a TCP connect is checked instead");
            }
        }
        hc.put("interval", CandorYaml.q(CandorYaml.duration(first.inter())));
        Duration timeout = first.inter();
        HaproxyBackend.Timeout check2 = b.timeouts().check();
        if (check2 != null) {
            Duration connect = b.timeouts().connect() == null ? first.inter() : b.timeouts().connect().value();
            Duration sum = (connect.compareTo(first.inter()) < 0 ? connect : first.inter()).plus(check2.value());
            timeout = sum.compareTo(first.inter()) < 0 ? sum : first.inter();
            carried.add(check2.source());
        }
        hc.put("timeout", CandorYaml.q(CandorYaml.duration(timeout)));
        hc.put("healthy_threshold", Integer.toString(Math.max(1, first.rise())));
        hc.put("unhealthy_threshold", Integer.toString(Math.max(1, first.fall())));
        for (Directive d : b.section().all("http-check")) {
            if (h.type().equals("http") && HaproxySection.starts(d, "http-check", "send")) {
                carried.add(d);
            } else if (h.type().equals("http") && HaproxySection.starts(d, "http-check", "expect", "status")
                    && d.args().size() == 3 && d.arg(2).matches("[1-5]\\d\\d(-[1-5]\\d\\d)?")) {
                hc.put("expect_status", d.arg(2));
                carried.add(d);
            } else {
                reason(d, "Candor's probes check the status only (expect_status: one status or a range)");
            }
        }
        for (HaproxyBackend.Server s : b.servers()) {
            if (s == first || !carried.contains(s.source())) {
                continue;
            }
            if (!s.check()) {
                reason(s.source(), "no check on this server: Candor probes every endpoint of an upstream with"
                        + " health_check");
            } else if (!s.inter().equals(first.inter()) || s.rise() != first.rise() || s.fall() != first.fall()) {
                reason(s.source(), "inter/rise/fall differ from server " + first.name() + "'s: Candor's health_check"
                        + " is per upstream, the first server's are kept");
            }
        }
    }

    // ---- frontends → listeners and routes

    private void frontend(HaproxyFrontend f) {
        HaproxySection s = f.section();
        if (!http(s)) {
            return;
        }
        if (s.kind().equals("listen") && !upstreamOf.containsKey(s.name())) {
            skipped.add(s); // its backend half said why: a listener would only serve the other sections' routes
            return;
        }
        for (HaproxyFrontend.Bind b : f.binds()) {
            bind(b);
        }
        clientTimeouts(f);
        for (HaproxyFrontend.Rule r : f.rules()) {
            rule(f, r);
        }
        for (Directive d : s.own("acl")) {
            if (!carried.contains(d)) {
                reason(d, "used by no rule that was carried over");
            }
        }
        Optional<Directive> def = s.kind().equals("listen") ? Optional.of(s.opened()) : s.last("default_backend");
        if (def.isEmpty() || f.defaultBackend().isEmpty()) {
            return;
        }
        String backend = f.defaultBackend().get();
        String upstream = upstreamOf.get(backend);
        if (upstream == null) {
            if (!s.kind().equals("listen")) {
                reason(def.get(), "backend " + backend + " was not carried over (see its comment)");
            }
        } else if (catchAll == null) {
            catchAll = upstream;
            catchAllFrom = f;
            carried.add(def.get());
        } else if (!catchAll.equals(upstream)) {
            reason(def.get(), "Candor's routes are the same on every listener: requests no rule matches go to "
                    + catchAll + ", the default backend of " + catchAllFrom.section().title());
        } else {
            carried.add(def.get());
        }
    }

    private void bind(HaproxyFrontend.Bind b) {
        Directive d = b.source();
        if (b.port() == 0) {
            reason(d, "Candor listens on TCP addresses with a port only");
            return;
        }
        String host = b.host().isEmpty() || b.host().equals("*") ? "0.0.0.0" : b.host();
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + b.port();
        if (d.arg(0).contains(",") || d.arg(0).matches(".*:\\d+-\\d+$")) {
            reason(d, "only the first address and port of " + d.arg(0) + " is carried (a listener has one)");
        }
        List<String[]> certs = new ArrayList<>();
        for (String crt : b.certs()) {
            certificate(crt, d).ifPresent(certs::add);
        }
        if (b.ssl() && certs.isEmpty()) {
            reason(d, "ssl without a certificate file Candor can use (crt-list, or crt naming a directory): list the"
                    + " certificates and keys under the listener's tls.certificates");
            return;
        }
        CandorYaml.Listener l = out.listener(address);
        carried.add(d);
        if (b.ssl()) {
            l.certificates.addAll(certs);
        }
        List<String> params = b.params();
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            String value = BIND_FLAGS.contains(p) || i + 1 >= params.size() ? null : params.get(++i);
            switch (p) {
                case "ssl", "crt" -> {
                }
                case "accept-proxy" -> l.proxyProtocol = true;
                case "alpn" -> reason(d, "alpn " + value + ": Candor chooses the protocols itself"
                        + " (listeners[].tls.protocols)");
                default -> reason(d, "the bind parameter " + p + (value == null ? "" : " " + value)
                        + " has no equivalent");
            }
        }
    }

    /**
     * A {@code crt} as {@code [cert, key]}: a PEM with the certificate and its key, or its key next to it in
     * {@code FILE.key}; empty (with the reason) for a directory.
     */
    private Optional<String[]> certificate(String crt, Directive d) {
        String cert = certBase != null && !crt.startsWith("/") ? certBase + "/" + crt : crt;
        Path p = Path.of(cert);
        if (Files.isDirectory(p)) {
            reason(d, "crt " + crt + " is a directory: list each certificate and key under tls.certificates");
            return Optional.empty();
        }
        String key = cert;
        try {
            if (Files.isReadable(p) && !Files.readString(p, StandardCharsets.US_ASCII).contains("PRIVATE KEY")
                    && Files.isReadable(Path.of(cert + ".key"))) {
                key = cert + ".key";
            }
        } catch (IOException | RuntimeException unreadable) {
            // the file is read again by candor check, which says what is wrong with it
        }
        return Optional.of(new String[] {cert, key});
    }

    private void clientTimeouts(HaproxyFrontend f) {
        HaproxyBackend.Timeouts t = f.timeouts();
        // HAProxy waits for the next request for http-keep-alive, else http-request, else client
        HaproxyBackend.Timeout idle = t.httpKeepAlive() != null ? t.httpKeepAlive()
                : t.httpRequest() != null ? t.httpRequest() : t.client();
        HaproxyBackend.Timeout head = t.httpRequest() != null ? t.httpRequest() : t.client();
        if (!f.keepAlive().mode().equals("httpclose") && f.keepAlive().modeSource() != null
                && !f.section().inherited(f.keepAlive().modeSource())) {
            reason(f.keepAlive().modeSource(), "in a frontend it applies to the backends it uses: set"
                    + " pool.idle_timeout: 0 on their upstreams");
        }
        if (f.keepAlive().mode().equals("httpclose")) {
            limit("client_idle_timeout", "\"0s\"", f.keepAlive().modeSource(), f);
        } else if (idle != null) {
            limit("client_idle_timeout", CandorYaml.q(CandorYaml.duration(idle.value())), idle.source(), f);
        }
        if (head != null) {
            limit("header_read_timeout", CandorYaml.q(CandorYaml.duration(head.value())), head.source(), f);
        }
        if (t.client() != null && !carried.contains(t.client().source()) && !reasons.containsKey(t.client().source())) {
            reason(t.client().source(), "Candor has no client inactivity timeout in the middle of a request; it"
                    + " bounds the head (limits.header_read_timeout) and the wait between requests"
                    + " (limits.client_idle_timeout)");
        }
        f.section().own("maxconn").forEach(d -> reason(d, "Candor's connection limit is for the whole process"
                + " (limits.max_connections)"));
    }

    private final Map<String, String> limitsFrom = new HashMap<>();

    private void limit(String key, String value, Directive source, HaproxyFrontend f) {
        String first = limitsFrom.putIfAbsent(key, value);
        if (first == null) {
            out.limit(key, value);
            carried.add(source);
        } else if (!first.equals(value)) {
            if (!carried.contains(source)) {
                reason(source, "limits are the same for every listener in Candor: limits." + key + " " + first
                        + " (the first frontend's) is kept");
            }
        } else {
            carried.add(source);
        }
    }

    private void rule(HaproxyFrontend f, HaproxyFrontend.Rule r) {
        Directive d = r.source();
        if (r.backend().contains("%[")) {
            reason(d, "the backend is chosen by an expression: Candor's routes name their upstream");
            return;
        }
        String upstream = upstreamOf.get(r.backend());
        if (upstream == null) {
            reason(d, "backend " + r.backend() + " was not carried over (see its comment)");
            return;
        }
        if (r.unless()) {
            reason(d, "`unless` has no equivalent (Candor's matches cannot be negated); requests it sends to "
                    + r.backend() + " go to the next rule that matches");
            return;
        }
        List<HaproxyMatch> matches = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<Directive> used = new HashSet<>();
        if (r.condition().isEmpty()) {
            matches.add(HaproxyMatch.ANY);
        }
        for (List<HaproxyFrontend.Term> all : r.condition()) {
            try {
                Set<Directive> mine = new HashSet<>();
                matches.addAll(conjunction(f, all, mine));
                used.addAll(mine);
            } catch (HaproxyMatch.Untranslatable e) {
                problems.add(e.getMessage());
            }
        }
        for (String p : problems) {
            reason(d, matches.isEmpty() ? p + "; requests it would send to " + r.backend() + " go to the next rule"
                    + " that matches" : "in part: " + p + "; requests only that part would match go to the next rule"
                    + " that matches instead of " + r.backend());
        }
        if (matches.isEmpty()) {
            return;
        }
        carried.add(d);
        carried.addAll(used);
        for (HaproxyMatch m : matches) {
            out.route(new CandorYaml.Route(m.host(), m.pathKey(), m.path(), m.methods(), m.headers(), m.query(),
                    upstream));
        }
    }

    /** The alternatives that make every term hold (none when they never can). */
    private List<HaproxyMatch> conjunction(HaproxyFrontend f, List<HaproxyFrontend.Term> terms, Set<Directive> used)
            throws HaproxyMatch.Untranslatable {
        List<HaproxyMatch> product = List.of(HaproxyMatch.ANY);
        for (HaproxyFrontend.Term t : terms) {
            List<HaproxyMatch> options = term(f, t, used);
            List<HaproxyMatch> next = new ArrayList<>();
            for (HaproxyMatch a : product) {
                for (HaproxyMatch b : options) {
                    a.and(b).ifPresent(next::add);
                }
            }
            product = next;
        }
        return product;
    }

    private List<HaproxyMatch> term(HaproxyFrontend f, HaproxyFrontend.Term t, Set<Directive> used) throws HaproxyMatch.Untranslatable {
        String shown = t.inline() != null ? "{ " + t.inline().criterion() + " … }" : t.acl();
        if (t.negated()) {
            throw new HaproxyMatch.Untranslatable("!" + shown + ": Candor's matches cannot be negated");
        }
        if (t.inline() != null) {
            return HaproxyMatch.acl(t.inline());
        }
        String name = t.acl();
        if (name.equals("TRUE") || name.equals("HTTP")) {
            return List.of(HaproxyMatch.ANY);
        }
        if (name.equals("FALSE")) {
            return List.of();
        }
        if (HaproxyMatch.METHOD_ACLS.containsKey(name)) {
            return List.of(new HaproxyMatch(null, null, null, HaproxyMatch.METHOD_ACLS.get(name), Map.of(), Map.of()));
        }
        List<HaproxyFrontend.Acl> lines = f.acls().get(name);
        if (lines == null) {
            throw new HaproxyMatch.Untranslatable("acl " + name + " is not defined in " + f.section().title());
        }
        List<HaproxyMatch> any = new ArrayList<>();
        for (HaproxyFrontend.Acl a : lines) {
            try {
                any.addAll(HaproxyMatch.acl(a));
            } catch (HaproxyMatch.Untranslatable e) {
                throw new HaproxyMatch.Untranslatable("acl " + name + " (" + a.source().where() + "): " + e.getMessage());
            }
            used.add(a.source());
        }
        return any;
    }

    /** {@code s} as a regular expression that matches it literally. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static int parseInt(String s, int otherwise) {
        try {
            return s == null ? otherwise : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    // ---- the comments

    private void reason(Directive d, String why) {
        List<String> mine = reasons.computeIfAbsent(d, k -> new ArrayList<>());
        if (!mine.contains(why)) {
            mine.add(why);
        }
    }

    private void comments() {
        for (HaproxySection s : config.sections()) {
            note(s.opened(), null);
            if (skipped.contains(s)) {
                continue;
            }
            for (Directive d : s.lines()) {
                note(d, carried.contains(d) ? null : why(d));
            }
        }
    }

    private void note(Directive d, String otherwise) {
        List<String> mine = reasons.get(d);
        if (mine != null) {
            for (String why : mine) {
                out.notCarried(d.where() + ": " + d.text() + " — " + why);
            }
        } else if (otherwise != null) {
            out.notCarried(d.where() + ": " + d.text() + " — " + otherwise);
        }
    }

    /** Why a line that nothing carried over has no equivalent. */
    private static String why(Directive d) {
        String option = d.name().equals("option") ? d.arg(0) : d.name().equals("no") && "option".equals(d.arg(0))
                ? d.arg(1) : null;
        if (option != null) {
            if (LOGGING.contains(option)) {
                return "Candor writes one JSON line per request: set access_log.path";
            }
            return switch (option) {
                case "forwardfor" -> "Candor appends the client's address to X-Forwarded-For itself";
                case "redispatch" -> "a retry in Candor always goes to another endpoint when there is one";
                case "httpchk" -> "no server of the backends that use it has `check`: HAProxy runs no check either";
                case "http-server-close", "httpclose", "http-keep-alive" -> "used by no section that was carried over";
                default -> "no equivalent in candor.yaml";
            };
        }
        return switch (d.name()) {
            case "log", "log-format", "capture", "log-tag", "log-send-hostname" ->
                    "Candor writes one JSON line per request: set access_log.path";
            case "daemon", "user", "group", "uid", "gid", "chroot", "pidfile", "nbproc", "master-worker" ->
                    "Candor runs in the foreground as the user that starts it (systemd, a container)";
            case "nbthread" -> "Candor sizes its event loops with `workers` (default: one per core)";
            case "stats" -> "Candor's own status is its admin API and dashboard (`admin`)";
            case "errorfile", "errorfiles" -> "Candor answers its own errors with an RFC 9209 Proxy-Status"
                    + " (errors.expose)";
            case "http-request", "http-response", "http-after-response", "redirect", "reqadd", "rspadd" ->
                    "HAProxy's request and response rules are not translated: see routes[].headers, redirect,"
                            + " respond and access";
            case "timeout" -> "used by no section that was carried over";
            case "cookie" -> "stickiness by a cookie HAProxy inserts has no equivalent (balancer: cookie_hash(NAME)"
                    + " balances by a cookie the application sets)";
            default -> d.name().startsWith("ssl-default-") || d.name().startsWith("tune.ssl")
                    ? "Candor chooses TLS ciphers itself (listeners[].tls.min_version sets the oldest version)"
                    : "no equivalent in candor.yaml";
        };
    }
}
