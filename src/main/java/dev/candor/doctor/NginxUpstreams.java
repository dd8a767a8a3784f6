package dev.candor.doctor;

import dev.candor.foreign.Directive;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What nginx proxies to, read from its directives: every {@code proxy_pass} to an {@code http://} or
 * {@code https://} target, with the {@code upstream} block it names (or the literal address), and the
 * settings in force in that location by nginx's inheritance (http, then server, then each nested location):
 * {@code proxy_connect_timeout}, {@code proxy_read_timeout} (60s each when absent), and whether connections
 * are reused at all ({@code keepalive} in the upstream block, {@code proxy_http_version 1.1} and a cleared
 * {@code Connection} header in the location), for how long ({@code keepalive_timeout}, 60s when absent).
 * Locations that use one upstream with the same settings are probed once.
 */
final class NginxUpstreams {
    private static final Pattern PROXY_PASS = Pattern.compile("^(https?)://([^/]+)(/.*)?$");
    private static final Pattern TIME_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|M|y)?");
    /** nginx's default for proxy_connect_timeout, proxy_read_timeout, proxy_send_timeout and keepalive_timeout. */
    private static final Duration DEFAULT = Duration.ofSeconds(60);

    private final Path file;
    private final Map<String, Directive> upstreamBlocks = new LinkedHashMap<>();
    private final Map<String, ForeignUpstream> byKey = new LinkedHashMap<>();
    private final List<String> listeners = new ArrayList<>();
    private final List<String> resolvers = new ArrayList<>();
    private final List<String> notProbed = new ArrayList<>();

    /** The settings in force at one level: each directive, or null for nginx's default. */
    private record Scope(Directive connect, Directive read, Directive httpVersion, List<Directive> headers,
                         Directive sslVerify, Directive sslCa, Directive sslName, Directive sslServerName) {

        Scope within(List<Directive> block) {
            Scope s = this;
            List<Directive> own = new ArrayList<>();
            for (Directive d : block) {
                switch (d.name()) {
                    case "proxy_connect_timeout" -> s = s.with(0, d);
                    case "proxy_read_timeout" -> s = s.with(1, d);
                    case "proxy_http_version" -> s = s.with(2, d);
                    case "proxy_ssl_verify" -> s = s.with(4, d);
                    case "proxy_ssl_trusted_certificate" -> s = s.with(5, d);
                    case "proxy_ssl_name" -> s = s.with(6, d);
                    case "proxy_ssl_server_name" -> s = s.with(7, d);
                    case "proxy_set_header" -> own.add(d);
                    default -> {
                    }
                }
            }
            // proxy_set_header is inherited only by a level that sets none of its own
            return own.isEmpty() ? s : new Scope(s.connect, s.read, s.httpVersion, own, s.sslVerify, s.sslCa, s.sslName,
                    s.sslServerName);
        }

        private Scope with(int which, Directive d) {
            return new Scope(which == 0 ? d : connect, which == 1 ? d : read, which == 2 ? d : httpVersion, headers,
                    which == 4 ? d : sslVerify, which == 5 ? d : sslCa, which == 6 ? d : sslName,
                    which == 7 ? d : sslServerName);
        }

        /** The {@code Connection} header nginx sends upstream: {@code close} unless the config sets another. */
        String connectionHeader() {
            for (Directive h : headers) {
                if ("connection".equalsIgnoreCase(h.arg(0))) {
                    return h.arg(1) == null ? "" : h.arg(1);
                }
            }
            return "close";
        }
    }

    private NginxUpstreams(Path file) {
        this.file = file;
    }

    static ForeignSetup read(Path file, List<Directive> top) throws IOException {
        NginxUpstreams n = new NginxUpstreams(file);
        Scope none = new Scope(null, null, null, List.of(), null, null, null, null);
        for (Directive d : top) {
            if (d.name().equals("http")) {
                n.http(d, none.within(d.block()));
            }
        }
        return new ForeignSetup("nginx", file, List.copyOf(n.byKey.values()), n.listeners, n.resolvers, "resolver",
                "proxy_ssl_verify, proxy_ssl_trusted_certificate and proxy_ssl_name", n.notProbed,
                "nginx -t -c " + file, "nginx -s reload");
    }

    private void http(Directive http, Scope scope) throws IOException {
        for (Directive d : http.block()) {
            if (d.name().equals("upstream") && d.arg(0) != null) {
                upstreamBlocks.put(d.arg(0), d);
            } else if (d.name().equals("resolver")) {
                d.args().stream().filter(a -> !a.contains("=")).forEach(resolvers::add);
            }
        }
        for (Directive d : http.block()) {
            if (d.name().equals("server")) {
                server(d, scope.within(d.block()));
            }
        }
    }

    private void server(Directive server, Scope scope) throws IOException {
        boolean listens = false;
        for (Directive d : server.block()) {
            if (d.name().equals("listen") && d.arg(0) != null && !d.arg(0).startsWith("unix:")) {
                listens = true;
                String a = d.arg(0);
                String address = a.matches("\\d+") ? "0.0.0.0:" + a : a.startsWith("*:") ? "0.0.0.0:" + a.substring(2)
                        : withPort(a, 80);
                if (!listeners.contains(address)) {
                    listeners.add(address);
                }
            }
        }
        if (!listens && !listeners.contains("0.0.0.0:80")) {
            listeners.add("0.0.0.0:80"); // a server block without listen listens on *:80
        }
        for (Directive d : server.block()) {
            if (d.name().equals("location")) {
                location(d, scope.within(d.block()));
            }
        }
    }

    private void location(Directive location, Scope scope) throws IOException {
        for (Directive d : location.block()) {
            if (d.name().equals("proxy_pass")) {
                proxyPass(location, d, scope);
            } else if (d.name().equals("location")) {
                location(d, scope.within(d.block()));
            }
        }
    }

    private void proxyPass(Directive location, Directive pass, Scope scope) throws IOException {
        String url = pass.arg(0) == null ? "" : pass.arg(0);
        Matcher m = PROXY_PASS.matcher(url);
        if (url.contains("$") || !m.matches()) {
            notProbed.add(pass.where() + ": " + pass.text() + " — "
                    + (url.contains("$") ? "the target is computed per request from variables" : "not an http:// or https:// URL"));
            return;
        }
        boolean tls = m.group(1).equals("https");
        String target = m.group(2);
        String inLocation = "location " + String.join(" ", location.args()) + " at " + location.where();
        ForeignSetting connect = timeout("proxy_connect_timeout", scope.connect(), location);
        ForeignSetting read = timeout("proxy_read_timeout", scope.read(), location);
        Directive block = upstreamBlocks.get(target);
        List<ForeignUpstream.Server> servers = new ArrayList<>();
        ForeignSetting idle;
        String noReuse;
        String label;
        if (block == null) {
            servers.add(new ForeignUpstream.Server(withPort(target, tls ? 443 : 80), pass.text() + " in " + pass.where()));
            label = pass.text() + " in " + pass.where();
            idle = new ForeignSetting("keepalive", Duration.ZERO, pass.where(), true);
            noReuse = pass.text() + " (" + pass.where() + ") names no upstream block, so nginx opens a new connection"
                    + " for every request: none is reused, so none can go stale";
        } else {
            label = "upstream " + target + " at " + block.where();
            for (Directive s : block.block()) {
                if (s.name().equals("server") && s.arg(0) != null) {
                    if (s.arg(0).startsWith("unix:")) {
                        notProbed.add(s.where() + ": " + s.text() + " — a unix socket");
                    } else if (s.args().contains("down")) {
                        notProbed.add(s.where() + ": " + s.text() + " — marked down: nginx sends it nothing");
                    } else {
                        servers.add(new ForeignUpstream.Server(withPort(s.arg(0), 80), s.text() + " in " + s.where()));
                    }
                }
            }
            Directive keepalive = find(block, "keepalive");
            Directive keepaliveTimeout = find(block, "keepalive_timeout");
            idle = keepaliveTimeout != null
                    ? new ForeignSetting("keepalive_timeout", duration(keepaliveTimeout), keepaliveTimeout.where(), false)
                    : new ForeignSetting("keepalive_timeout", DEFAULT, keepalive != null ? keepalive.where() : block.where(), true);
            noReuse = reuse(target, block, keepalive, scope, inLocation);
            if (noReuse != null) {
                idle = new ForeignSetting(idle.directive(), Duration.ZERO, idle.where(), idle.defaulted());
            }
        }
        if (servers.isEmpty()) {
            notProbed.add(pass.where() + ": " + pass.text() + " — its upstream block has no server to probe");
            return;
        }
        ForeignUpstream.Tls tlsSettings = tls ? tls(scope, target) : null;
        String key = String.join("|", target, String.valueOf(tlsSettings), key(connect), key(read), key(idle));
        if (byKey.containsKey(key)) {
            return;
        }
        String name = name(target);
        if (!name.equals(target.replaceAll("[^A-Za-z0-9._-]", "_"))) {
            label += ", as " + inLocation + " uses it"; // a second set of settings for the same target
        }
        byKey.put(key, new ForeignUpstream(name, label, servers, tlsSettings, connect, read, idle, noReuse, null));
    }

    /** Why nginx does not reuse connections to this upstream block from this location, or null when it does. */
    private static String reuse(String name, Directive block, Directive keepalive, Scope scope, String inLocation) {
        if (keepalive == null) {
            return "upstream " + name + " (" + block.where() + ") has no keepalive directive, so nginx closes each"
                    + " connection after one request: none is reused, so none can go stale";
        }
        if (scope.httpVersion() == null || !"1.1".equals(scope.httpVersion().arg(0))) {
            return "upstream " + name + " has keepalive (" + keepalive.where() + "), but " + inLocation
                    + " speaks HTTP/1.0 upstream (no proxy_http_version 1.1), so nginx does not reuse connections:"
                    + " none can go stale";
        }
        if (!scope.connectionHeader().isEmpty()) {
            return "upstream " + name + " has keepalive (" + keepalive.where() + "), but " + inLocation + " sends"
                    + " Connection: " + scope.connectionHeader() + " (no proxy_set_header Connection \"\"), so nginx"
                    + " does not reuse connections: none can go stale";
        }
        return null;
    }

    private static ForeignUpstream.Tls tls(Scope scope, String target) {
        boolean verify = scope.sslVerify() != null && "on".equals(scope.sslVerify().arg(0));
        boolean sendName = scope.sslServerName() != null && "on".equals(scope.sslServerName().arg(0));
        String name = scope.sslName() != null ? scope.sslName().arg(0) : hostOf(target);
        return new ForeignUpstream.Tls(verify, sendName || verify ? name : null,
                scope.sslCa() == null ? null : scope.sslCa().arg(0));
    }

    private static Directive find(Directive block, String name) {
        return block.block().stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
    }

    private static ForeignSetting timeout(String directive, Directive set, Directive location) throws IOException {
        return set != null ? new ForeignSetting(directive, duration(set), set.where(), false)
                : new ForeignSetting(directive, DEFAULT, location.where(), true);
    }

    private static String key(ForeignSetting s) {
        return s.value() + "@" + (s.defaulted() ? "" : s.where());
    }

    /** A report name from an nginx name: letters, digits, '.', '_' and '-', made unique by the caller's keys. */
    private String name(String target) {
        String base = target.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = base;
        int n = 2;
        while (taken(name)) {
            name = base + "-" + n++;
        }
        return name;
    }

    private boolean taken(String name) {
        return byKey.values().stream().anyMatch(u -> u.name().equals(name));
    }

    /**
     * An nginx time ({@code 30}, {@code 30s}, {@code 500ms}, {@code 1m30s}, {@code 1h 30m}; a bare number is
     * seconds), or a problem at the directive's {@code FILE:LINE}.
     */
    static Duration duration(Directive d) throws IOException {
        String text = String.join("", d.args());
        Matcher m = TIME_PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            total = total.plus(switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                case "M" -> Duration.ofDays(30 * n);
                default -> Duration.ofDays(365 * n);
            });
            at = m.end();
        }
        if (text.isEmpty() || at != text.length()) {
            throw new IOException(d.where() + ": " + d.text() + ": not an nginx time (e.g. 30s, 500ms, 1m30s)");
        }
        return total;
    }

    private static String withPort(String target, int port) {
        boolean hasPort = target.startsWith("[") ? target.contains("]:") : target.indexOf(':') > 0;
        return hasPort ? target : target + ":" + port;
    }

    private static String hostOf(String target) {
        if (target.startsWith("[")) {
            return target.substring(1, target.indexOf(']'));
        }
        int colon = target.indexOf(':');
        return colon > 0 ? target.substring(0, colon) : target;
    }
}
