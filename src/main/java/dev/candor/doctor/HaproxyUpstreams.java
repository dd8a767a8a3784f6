package dev.candor.doctor;

import dev.candor.foreign.Directive;
import dev.candor.foreign.HaproxyBackend;
import dev.candor.foreign.HaproxyConfig;
import dev.candor.foreign.HaproxyFrontend;
import dev.candor.foreign.HaproxySection;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What HAProxy sends to, read by the HAProxy config reader: each {@code backend} and {@code listen} section's
 * servers with the settings in force ({@code defaults} applied): {@code timeout connect} and {@code timeout server}
 * (no limit when absent), whether idle server connections are reused ({@code http-reuse} other than never, in
 * {@code option http-keep-alive} mode) and how long they wait ({@code pool-purge-delay} on the server line, 5s
 * by default: each period HAProxy closes half of a server's idle connections), TLS from the server line, and the
 * {@code option httpchk} request as the request sent to each server.
 */
final class HaproxyUpstreams {
    private static final Duration PURGE_DEFAULT = Duration.ofSeconds(5);
    private static final Pattern SNI_STRING = Pattern.compile("^str\\((.+)\\)$");

    private HaproxyUpstreams() {
    }

    static ForeignSetup read(Path file, HaproxyConfig config) throws IOException {
        List<String> notProbed = new ArrayList<>();
        List<ForeignUpstream> upstreams = new ArrayList<>();
        boolean verifyNone = config.global().flatMap(g -> g.last("ssl-server-verify"))
                .map(d -> "none".equals(d.arg(0))).orElse(false);
        for (HaproxyBackend b : config.backends()) {
            ForeignUpstream u = upstream(b, verifyNone, notProbed);
            if (u != null) {
                upstreams.add(u);
            }
        }
        List<String> listeners = new ArrayList<>();
        for (HaproxyFrontend f : config.frontends()) {
            for (HaproxyFrontend.Bind bind : f.binds()) {
                if (bind.port() > 0 && bind.host() != null && !bind.host().startsWith("/")) {
                    String host = bind.host().isEmpty() || bind.host().equals("*") ? "0.0.0.0" : bind.host();
                    String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bind.port();
                    if (!listeners.contains(address)) {
                        listeners.add(address);
                    }
                }
            }
        }
        List<String> resolvers = new ArrayList<>();
        for (HaproxySection s : config.sections("resolvers")) {
            for (Directive d : s.own("nameserver")) {
                if (d.arg(1) != null && !d.arg(1).contains("@")) {
                    resolvers.add(d.arg(1));
                }
            }
        }
        return new ForeignSetup("haproxy", file, upstreams, listeners, resolvers, "nameserver in a resolvers section",
                "the server line's ssl, verify, ca-file, sni and verifyhost", notProbed, "haproxy -c -f " + file,
                "systemctl reload haproxy");
    }

    private static ForeignUpstream upstream(HaproxyBackend b, boolean verifyNone, List<String> notProbed)
            throws IOException {
        HaproxySection s = b.section();
        String label = s.title() + " at " + s.where();
        List<ForeignUpstream.Server> servers = new ArrayList<>();
        HaproxyBackend.Server first = null;
        for (HaproxyBackend.Server server : b.servers()) {
            String line = server.source().where() + ": " + server.source().text();
            if (server.host().startsWith("/") || server.host().contains("@")) {
                notProbed.add(line + " — not a TCP address");
            } else if (server.port() == 0) {
                notProbed.add(line + " — no port: HAProxy connects to the port the client came in on");
            } else if (server.disabled()) {
                notProbed.add(line + " — disabled: HAProxy sends it nothing");
            } else {
                servers.add(new ForeignUpstream.Server(server.address(), server.source().text() + " in "
                        + server.source().where()));
                first = first == null ? server : first;
            }
        }
        if (first == null) {
            if (b.servers().isEmpty()) {
                notProbed.add(s.where() + ": " + s.title() + " — no server line");
            }
            return null;
        }
        ForeignSetting connect = timeout("timeout connect", b.timeouts().connect(), s);
        ForeignSetting server = timeout("timeout server", b.timeouts().server(), s);
        HaproxyBackend.KeepAlive keepAlive = b.keepAlive();
        Duration purge = first.param("pool-purge-delay").map(HaproxyConfig::time).orElse(null);
        if (first.param("pool-purge-delay").isPresent() && purge == null) {
            throw new IOException(first.source().where() + ": " + first.source().text()
                    + ": pool-purge-delay is not a time (a number of milliseconds, or with a unit: us, ms, s, m, h, d)");
        }
        ForeignSetting idle = new ForeignSetting("pool-purge-delay", purge == null ? PURGE_DEFAULT : purge,
                first.source().where(), purge == null);
        String noReuse = null;
        if (!keepAlive.reusesServerConnections()) {
            Directive why = keepAlive.reuse().equals("never") ? keepAlive.reuseSource() : keepAlive.modeSource();
            noReuse = s.title() + " does not reuse server connections (" + (why == null ? "" : why.text() + " in "
                    + why.where()) + "): none can go stale";
            idle = new ForeignSetting(idle.directive(), Duration.ZERO, idle.where(), idle.defaulted());
        }
        return new ForeignUpstream(name(b.name()), label, servers, first.ssl() ? tls(first, verifyNone) : null,
                connect, server, idle, noReuse, health(b));
    }

    private static ForeignSetting timeout(String directive, HaproxyBackend.Timeout t, HaproxySection s) {
        return t == null ? new ForeignSetting(directive, Duration.ZERO, s.where(), true)
                : new ForeignSetting(directive, t.value(), t.source().where(), false);
    }

    private static ForeignUpstream.Tls tls(HaproxyBackend.Server server, boolean verifyNone) {
        boolean verify = !verifyNone && !"none".equals(server.param("verify").orElse("required"));
        String sni = server.param("sni").map(v -> {
            Matcher m = SNI_STRING.matcher(v);
            return m.matches() ? m.group(1) : null;
        }).orElse(server.param("verifyhost").orElse(null));
        return new ForeignUpstream.Tls(verify, sni, server.param("ca-file").orElse(null));
    }

    private static ForeignUpstream.Health health(HaproxyBackend b) {
        Optional<HaproxyBackend.HealthCheck> h = b.health();
        if (h.isEmpty()) {
            return null;
        }
        HaproxyBackend.HealthCheck check = h.get();
        String directive = check.source() == null ? "check in " + b.section().where()
                : check.type().equals("tcp") ? "check on " + check.source().text() + " in " + check.source().where()
                : check.source().text() + " in " + check.source().where();
        return new ForeignUpstream.Health(check.type(), check.uri() == null ? "/" : check.uri(), check.host(), directive);
    }

    private static String name(String backend) {
        return backend.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
