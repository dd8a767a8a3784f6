package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.config.CandorConfig;
import dev.candor.config.HealthCheckConfig;
import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;
import dev.candor.failure.ErrorType;
import dev.candor.proxy.Route;
import dev.candor.proxy.Router;
import io.netty.handler.codec.http.HttpMethod;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which upstreams the investigation probes, and what it sends them: with {@code --url}, the upstream the
 * proxy's own {@link Router} picks for that URL and the URL's Host and path; otherwise every upstream,
 * with the health-check path (or {@code /}).
 */
final class Targets {
    private final List<UpstreamConfig> upstreams;
    private final List<Check> checks;
    private final URI url;
    private final String route;
    /** What the route sends upstream for the URL (its rewrites applied): the Host and the target. */
    private final String upstreamHost;
    private final String upstreamTarget;

    private Targets(List<UpstreamConfig> upstreams, List<Check> checks, URI url, String route) {
        this(upstreams, checks, url, route, null, null);
    }

    private Targets(List<UpstreamConfig> upstreams, List<Check> checks, URI url, String route, String upstreamHost,
                    String upstreamTarget) {
        this.upstreams = List.copyOf(upstreams);
        this.checks = List.copyOf(checks);
        this.url = url;
        this.route = route;
        this.upstreamHost = upstreamHost;
        this.upstreamTarget = upstreamTarget;
    }

    static Targets of(CandorConfig config, URI url) {
        List<UpstreamConfig> all = new ArrayList<>(config.upstreams().values());
        if (url == null) {
            return new Targets(all, List.of(), null, null);
        }
        String host = url.getHost() == null ? null : url.getHost().toLowerCase(Locale.ROOT);
        Route r = new Router(config.routes()).match(host, pathOf(url), HttpMethod.GET);
        if (r == null) {
            Check c = Check.of(Section.CONFIG, "config.route", url.toString())
                    .error(ErrorType.DESTINATION_NOT_FOUND)
                    .with("host", host).with("path", pathOf(url)).with("routes", config.routes().size())
                    .advice("add a route whose match covers host " + host + " and path " + pathOf(url)
                            + ", or correct the URL")
                    .step(Step.of(Step.Rank.ROUTE, "add a route for " + url + ": no route matches it, so Candor answers 404"))
                    .fail("no route matches GET " + url + "; every upstream is probed instead");
            return new Targets(all, List.of(c), url, null);
        }
        if (r.upstream() == null) {
            return routeWithoutOneUpstream(config, url, r);
        }
        UpstreamConfig u = config.upstreams().get(r.upstream());
        Check.Builder c = Check.of(Section.CONFIG, "config.route", url.toString())
                .with("route", r.name()).with("upstream", u.name()).with("endpoints", u.endpoints().size());
        String sent = rewritten(c, url, r);
        return new Targets(List.of(u), List.of(c.pass("route " + r.name() + " sends GET " + url + " to upstream "
                + u.name() + sent)), url, r.name(), r.upstreamHost(), r.upstreamTarget(pathOf(url)));
    }

    /** Adds what the route's rewrite makes of the URL to the evidence; the phrase for the summary, or "". */
    private static String rewritten(Check.Builder c, URI url, Route r) {
        String target = r.upstreamTarget(pathOf(url));
        String host = r.upstreamHost();
        if (target.equals(pathOf(url)) && host == null) {
            return "";
        }
        c.with("upstream_target", target);
        if (host != null) {
            c.with("upstream_host", host);
        }
        return " as " + target + (host == null ? "" : " (Host: " + host + ")");
    }

    /** A route that splits traffic (every upstream of the split is probed) or answers itself (none is). */
    private static Targets routeWithoutOneUpstream(CandorConfig config, URI url, Route r) {
        var actions = r.config().actions();
        if (actions.answersItself()) {
            String what = actions.redirect() != null
                    ? "redirects it (" + actions.redirect().status() + " to " + actions.redirect().to() + ")"
                    : "answers it itself (" + actions.respond().status() + ")";
            Check c = Check.of(Section.CONFIG, "config.route", url.toString()).with("route", r.name())
                    .pass("route " + r.name() + " " + what + ": no upstream is involved");
            return new Targets(List.of(), List.of(c), url, r.name());
        }
        List<UpstreamConfig> split = new ArrayList<>();
        StringBuilder shares = new StringBuilder();
        for (var s : actions.split()) {
            split.add(config.upstreams().get(s.upstream()));
            shares.append(shares.length() == 0 ? "" : ", ").append(s.upstream()).append(" (weight ").append(s.weight()).append(')');
        }
        Check.Builder c = Check.of(Section.CONFIG, "config.route", url.toString())
                .with("route", r.name()).with("split", shares.toString());
        String sent = rewritten(c, url, r);
        return new Targets(split, List.of(c.pass("route " + r.name() + " splits GET " + url + " between " + shares + sent)),
                url, r.name(), r.upstreamHost(), r.upstreamTarget(pathOf(url)));
    }

    List<UpstreamConfig> upstreams() {
        return upstreams;
    }

    /** Checks made while choosing the targets (the route of {@code --url}). */
    List<Check> checks() {
        return checks;
    }

    /** The route {@code --url} takes, or null. */
    String route() {
        return route;
    }

    URI url() {
        return url;
    }

    /** The request sent straight to an endpoint of {@code u}: the URL's as its route rewrites it, or the health check's. */
    DirectExchange.Request requestFor(UpstreamConfig u, HostPort endpoint) {
        if (url != null) {
            return directRequest();
        }
        HealthCheckConfig check = u.healthCheck();
        if (check != null && check.mode() == HealthCheckConfig.Mode.HTTP) {
            return request(check.host() != null ? check.host() : endpoint.toString(), check.path());
        }
        return request(endpoint.toString(), "/");
    }

    /** The {@code --url} request as the route sends it upstream: its rewrites of path and Host applied. */
    DirectExchange.Request directRequest() {
        return request(upstreamHost != null ? upstreamHost : url.getRawAuthority(),
                upstreamTarget != null ? upstreamTarget : pathOf(url));
    }

    static DirectExchange.Request request(String host, String path) {
        String id = "doctor-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        return new DirectExchange.Request("GET", path, List.of(
                Map.entry("Host", host),
                Map.entry("User-Agent", "candor-doctor"),
                Map.entry("Accept", "*/*"),
                Map.entry("X-Request-Id", id)));
    }

    /** Whether the client side of {@code url} speaks TLS: {@code https://} and {@code wss://}. */
    static boolean secure(URI url) {
        return "https".equals(url.getScheme()) || "wss".equals(url.getScheme());
    }

    /** Whether {@code url} asks for a WebSocket: {@code ws://} and {@code wss://}. */
    static boolean websocket(URI url) {
        return "ws".equals(url.getScheme()) || "wss".equals(url.getScheme());
    }

    /** The URL's port, or its scheme's default. */
    static int portOf(URI url) {
        return url.getPort() > 0 ? url.getPort() : secure(url) ? 443 : 80;
    }

    static String pathOf(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}
