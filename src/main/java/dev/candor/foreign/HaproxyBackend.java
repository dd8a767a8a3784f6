package dev.candor.foreign;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One HAProxy upstream (a {@code backend} or {@code listen} section) with {@code defaults} applied: its servers,
 * {@code balance}, timeouts, keep-alive settings and health check, each with the line it came from.
 *
 * @param name      the section's name
 * @param section   the section itself, for any other keyword
 * @param servers   the {@code server} lines, {@code default-server} parameters applied, in order
 * @param balance   the {@code balance} in force ({@code roundrobin} with no line when none is written)
 * @param timeouts  the {@code timeout} lines in force
 * @param keepAlive the connection mode and {@code http-reuse}
 * @param health    the active health check, present when at least one server has {@code check}
 */
public record HaproxyBackend(String name, HaproxySection section, List<Server> servers, Balance balance,
                             Timeouts timeouts, KeepAlive keepAlive, Optional<HealthCheck> health) {

    /** Server parameters that take no value; every other parameter takes exactly one. */
    private static final Set<String> FLAGS = Set.of("check", "no-check", "ssl", "no-ssl", "backup", "no-backup",
            "disabled", "enabled", "send-proxy", "no-send-proxy", "send-proxy-v2", "no-send-proxy-v2",
            "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn", "no-send-proxy-v2-ssl", "no-send-proxy-v2-ssl-cn",
            "check-ssl", "no-check-ssl", "check-send-proxy", "no-check-send-proxy", "agent-check", "no-agent-check",
            "tfo", "no-tfo", "allow-0rtt", "ssl-reuse", "no-ssl-reuse", "tls-tickets", "no-tls-tickets",
            "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-sslv3", "no-tlsv10",
            "no-tlsv11", "no-tlsv12", "no-tlsv13", "non-stick", "stick", "no-verifyhost", "check-via-socks4",
            "socks4-check");

    /**
     * One {@code server} line.
     *
     * @param name   the server's name
     * @param host   the address without the port (an IPv6 address without brackets; {@code /path} for a unix socket)
     * @param port   the port; 0 when the line gives none (HAProxy then uses the port the client connected to)
     * @param weight 0 to 256, default 1 (0: takes no traffic)
     * @param check  whether {@code check} is on (active health checks for this server)
     * @param ssl    whether {@code ssl} is on (TLS to this server)
     * @param params every parameter with its value (flags map to {@code ""}), {@code default-server}'s first
     * @param source the line
     */
    public record Server(String name, String host, int port, int weight, boolean check, boolean ssl,
                         Map<String, String> params, Directive source) {

        /** {@code host:port}, IPv6 in brackets; null port kept as 0. */
        public String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        /** A parameter's value ({@code ""} for a flag), empty when not given. */
        public Optional<String> param(String key) {
            return Optional.ofNullable(params.get(key));
        }

        /** {@code backup} on: the server takes traffic only when every other one is down. */
        public boolean backup() {
            return "backup".equals(lastOf(params, "backup", "no-backup"));
        }

        /** {@code disabled} on: the server is in maintenance and takes no traffic. */
        public boolean disabled() {
            return "disabled".equals(lastOf(params, "disabled", "enabled"));
        }

        /** {@code inter}: time between two checks, default 2 s. */
        public Duration inter() {
            return param("inter").map(HaproxyConfig::time).orElse(Duration.ofSeconds(2));
        }

        /** {@code fall}: failed checks in a row that mark the server down, default 3. */
        public int fall() {
            return param("fall").map(Integer::parseInt).orElse(3);
        }

        /** {@code rise}: passed checks in a row that mark the server up again, default 2. */
        public int rise() {
            return param("rise").map(Integer::parseInt).orElse(2);
        }

        /** {@code maxconn}: the most concurrent connections to the server; 0 (the default) for no limit. */
        public int maxconn() {
            return param("maxconn").map(Integer::parseInt).orElse(0);
        }
    }

    /** {@code balance ALGORITHM [ARGS]}; {@code source} null for HAProxy's default, {@code roundrobin}. */
    public record Balance(String algorithm, List<String> args, Directive source) {
    }

    /** A {@code timeout NAME TIME} line in force. */
    public record Timeout(Duration value, Directive source) {
    }

    /**
     * The {@code timeout} lines in force for this backend (its own, else its defaults'); null when not written.
     * {@code client}, {@code http-request} and {@code http-keep-alive} are frontend-side timeouts: here they are
     * the values the backend's {@code defaults} give (a frontend has its own, see {@link HaproxyFrontend}).
     */
    public record Timeouts(Timeout connect, Timeout server, Timeout httpKeepAlive, Timeout client,
                           Timeout httpRequest, Timeout queue, Timeout check, Timeout tunnel) {
    }

    /**
     * How connections to servers are kept.
     *
     * @param mode       {@code http-keep-alive} (HAProxy's default), {@code http-server-close} or {@code httpclose}
     * @param modeSource the {@code option} line that chose it; null for the default
     * @param reuse      {@code http-reuse}: {@code never}, {@code safe} (the default), {@code aggressive}, {@code always}
     * @param reuseSource the {@code http-reuse} line; null for the default
     */
    public record KeepAlive(String mode, Directive modeSource, String reuse, Directive reuseSource) {

        /** Whether idle server connections are kept for later requests. */
        public boolean reusesServerConnections() {
            return mode.equals("http-keep-alive") && !reuse.equals("never");
        }
    }

    /**
     * The active health check.
     *
     * @param type   {@code http} ({@code option httpchk}), {@code tcp} (a plain connect), or the check option in
     *               force ({@code ssl-hello-chk}, {@code tcp-check}, {@code mysql-check}, …)
     * @param method the HTTP method ({@code OPTIONS} by default, as HAProxy sends), null unless {@code http}
     * @param uri    the path ({@code /} by default), null unless {@code http}
     * @param host   the {@code Host} header the check sends, null when none
     * @param expect {@code http-check expect status X} ({@code 200-399} is HAProxy's default), null otherwise
     * @param source the {@code option} line, or the first server with {@code check} for {@code tcp}
     */
    public record HealthCheck(String type, String method, String uri, String host, String expect, Directive source) {
    }

    static HaproxyBackend of(HaproxySection s) throws IOException {
        List<Server> servers = new ArrayList<>();
        for (Directive d : s.effective()) {
            if (d.name().equals("server") && !s.inherited(d)) {
                servers.add(server(s, d));
            }
        }
        Balance balance = s.last("balance")
                .map(d -> new Balance(d.arg(0) == null ? "roundrobin" : d.arg(0),
                        d.args().isEmpty() ? List.of() : d.args().subList(1, d.args().size()), d))
                .orElse(new Balance("roundrobin", List.of(), null));
        Timeouts timeouts = new Timeouts(timeout(s, "connect"), timeout(s, "server"), timeout(s, "http-keep-alive"),
                timeout(s, "client"), timeout(s, "http-request"), timeout(s, "queue"), timeout(s, "check"),
                timeout(s, "tunnel"));
        return new HaproxyBackend(s.name(), s, List.copyOf(servers), balance, timeouts, keepAlive(s),
                health(s, servers));
    }

    private static Timeout timeout(HaproxySection s, String which) throws IOException {
        Optional<Directive> d = s.last("timeout", which);
        if (d.isEmpty()) {
            return null;
        }
        Duration value = HaproxyConfig.time(d.get().arg(1));
        if (value == null) {
            throw new IOException(d.get().where() + ": " + d.get().text() + ": '" + d.get().arg(1)
                    + "' is not a time (a number of milliseconds, or with a unit: us, ms, s, m, h, d)");
        }
        return new Timeout(value, d.get());
    }

    static KeepAlive keepAlive(HaproxySection s) {
        String mode = "http-keep-alive";
        Directive modeSource = null;
        for (Directive d : s.effective()) {
            boolean on = HaproxySection.starts(d, "option", d.arg(0) == null ? "" : d.arg(0));
            String opt = on ? d.arg(0) : HaproxySection.starts(d, "no", "option") ? d.arg(1) : null;
            if (opt == null || !Set.of("http-keep-alive", "http-server-close", "httpclose").contains(opt)) {
                continue;
            }
            if (on) {
                mode = opt;
                modeSource = d;
            } else if (opt.equals(mode)) {
                mode = "http-keep-alive";
                modeSource = d;
            }
        }
        Optional<Directive> reuse = s.last("http-reuse");
        return new KeepAlive(mode, modeSource, reuse.map(d -> d.arg(0)).orElse("safe"), reuse.orElse(null));
    }

    private static Optional<HealthCheck> health(HaproxySection s, List<Server> servers) {
        Optional<Server> checked = servers.stream().filter(Server::check).findFirst();
        if (checked.isEmpty()) {
            return Optional.empty();
        }
        Directive chosen = null;
        for (Directive d : s.effective()) {
            if (d.name().equals("option") && d.arg(0) != null && (d.arg(0).equals("httpchk") || d.arg(0).endsWith("-chk")
                    || d.arg(0).endsWith("-check"))) {
                chosen = d;
            }
        }
        if (chosen == null) {
            return Optional.of(new HealthCheck("tcp", null, null, null, null, checked.get().source()));
        }
        if (!chosen.arg(0).equals("httpchk")) {
            return Optional.of(new HealthCheck(chosen.arg(0), null, null, null, null, chosen));
        }
        // option httpchk [URI] | [METHOD URI [VERSION]]; the version may carry headers after \r\n (old style)
        List<String> a = chosen.args().subList(1, chosen.args().size());
        String method = a.size() >= 2 ? a.get(0) : "OPTIONS";
        String uri = a.size() == 1 ? a.get(0) : a.size() >= 2 ? a.get(1) : "/";
        String host = null;
        if (a.size() >= 3) {
            for (String h : a.get(2).split("\r\n")) {
                if (h.regionMatches(true, 0, "host:", 0, 5)) {
                    host = h.substring(5).strip();
                }
            }
        }
        String expect = null;
        for (Directive d : s.all("http-check")) {
            if (HaproxySection.starts(d, "http-check", "send")) {
                for (int i = 1; i + 1 < d.args().size(); i++) {
                    switch (d.args().get(i)) {
                        case "meth" -> method = d.args().get(i + 1);
                        case "uri" -> uri = d.args().get(i + 1);
                        case "hdr" -> {
                            if (d.args().get(i + 1).equalsIgnoreCase("host") && i + 2 < d.args().size()) {
                                host = d.args().get(i + 2);
                            }
                        }
                        default -> {
                        }
                    }
                }
            } else if (HaproxySection.starts(d, "http-check", "expect", "status") && d.args().size() > 2) {
                expect = d.args().get(2);
            } else if (HaproxySection.starts(d, "http-check", "expect")) {
                expect = String.join(" ", d.args().subList(1, d.args().size()));
            }
        }
        return Optional.of(new HealthCheck("http", method, uri, host, expect, chosen));
    }

    private static Server server(HaproxySection s, Directive d) throws IOException {
        if (d.args().size() < 2) {
            throw new IOException(d.where() + ": " + d.text() + ": a server needs a name and an address");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Directive def : s.all("default-server")) {
            if (s.effective().indexOf(def) < s.effective().indexOf(d)) {
                params(def.args(), 0, params);
            }
        }
        params(d.args(), 2, params);
        for (Map.Entry<String, String> p : params.entrySet()) {
            boolean time = Set.of("inter", "fastinter", "downinter", "slowstart", "pool-purge-delay").contains(p.getKey());
            boolean number = Set.of("fall", "rise", "maxconn", "minconn", "maxqueue", "weight", "pool-max-conn")
                    .contains(p.getKey());
            if (time && HaproxyConfig.time(p.getValue()) == null || number && !p.getValue().matches("-?\\d{1,9}")) {
                throw new IOException(d.where() + ": " + d.text() + ": " + p.getKey() + " '" + p.getValue() + "' is not a "
                        + (time ? "time" : "number"));
            }
        }
        String address = d.arg(1);
        for (String prefix : List.of("ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@")) {
            if (address.startsWith(prefix)) {
                address = address.substring(prefix.length());
            }
        }
        String host;
        String port = "";
        if (address.startsWith("/") || address.startsWith("unix@") || address.startsWith("abns@")) {
            host = address;
        } else if (address.startsWith("[")) {
            int close = address.indexOf(']');
            host = close < 0 ? address : address.substring(1, close);
            port = close >= 0 && address.startsWith(":", close + 1) ? address.substring(close + 2) : "";
        } else {
            int colon = address.lastIndexOf(':');
            host = colon < 0 ? address : address.substring(0, colon);
            port = colon < 0 ? "" : address.substring(colon + 1);
        }
        int p = 0;
        if (!port.isEmpty()) {
            try {
                p = Integer.parseInt(port.startsWith("+") ? port.substring(1) : port);
            } catch (NumberFormatException e) {
                throw new IOException(d.where() + ": " + d.text() + ": '" + port + "' is not a port");
            }
            if (port.startsWith("+") || port.startsWith("-")) {
                p = 0; // relative to the client's port: no fixed port
            }
        }
        int weight = params.containsKey("weight") ? Integer.parseInt(params.get("weight")) : 1;
        boolean check = "check".equals(lastOf(params, "check", "no-check"));
        boolean ssl = "ssl".equals(lastOf(params, "ssl", "no-ssl"));
        return new Server(d.arg(0), host, p, weight, check, ssl, Collections.unmodifiableMap(params), d);
    }

    /** Which of two keys was put last (a server's own parameters come after default-server's); null for neither. */
    private static String lastOf(Map<String, String> params, String a, String b) {
        String last = null;
        for (String k : params.keySet()) {
            if (k.equals(a) || k.equals(b)) {
                last = k;
            }
        }
        return last;
    }

    private static void params(List<String> args, int from, Map<String, String> into) {
        for (int i = from; i < args.size(); i++) {
            String key = args.get(i);
            into.remove(key); // re-inserted at the end, so that the last of check / no-check is the last key
            if (FLAGS.contains(key) || i + 1 >= args.size()) {
                into.put(key, "");
            } else {
                into.put(key, args.get(++i));
            }
        }
    }
}
