package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.config.CandorConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;
import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;
import dev.candor.upstream.Endpoint;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Section 6, "bypass the proxy": the {@code --url} request sent through the proxy and straight to each
 * endpoint of the upstream its route picks, side by side (status, key headers, body digest, latency),
 * and a verdict on which side the fault is. When every endpoint of the routed upstream fails the request,
 * the other upstreams' endpoints are asked too: one that answers it well points at the route.
 */
final class Bypass {
    /** Headers worth comparing; the rest (Date, Via, ids, hop-by-hop) differ by nature. */
    private static final List<String> KEY_HEADERS = List.of("content-type", "content-length", "location",
            "cache-control", "content-encoding", "www-authenticate");
    private static final long CONNECT_MILLIS = 2_000;
    private static final long RESPONSE_MILLIS = 15_000;

    private final DirectExchange exchange;
    /** How to reach Candor itself: plain HTTP, or TLS for an https URL. */
    private final ProxySide proxySide;
    private final EventLoop loop;
    private final CandorConfig config;
    private final Targets targets;
    private final URI url;
    private final ExecutorService workers;
    private final Clock clock;

    Bypass(DirectExchange exchange, ProxySide proxySide, EventLoop loop, CandorConfig config, Targets targets, URI url,
           ExecutorService workers, Clock clock) {
        this.exchange = exchange;
        this.proxySide = proxySide;
        this.clock = clock;
        this.loop = loop;
        this.config = config;
        this.targets = targets;
        this.url = url;
        this.workers = workers;
    }

    /** One side of the comparison. */
    private record Side(String label, String upstream, DirectExchange.Outcome outcome) {
        boolean good() {
            return outcome.failure() == null && outcome.status() < 400;
        }

        String result() {
            return outcome.failure() != null ? outcome.failure().type().token() : String.valueOf(outcome.status());
        }
    }

    List<Check> run() {
        List<Check> out = new ArrayList<>();
        DirectExchange.Request request = Targets.request(url.getRawAuthority(), Targets.pathOf(url));
        CompletableFuture<Side> proxy = ask("proxy " + url.getHost() + ":" + portOf(), null,
                new InetSocketAddress(url.getHost(), portOf()), null, request);
        List<CompletableFuture<Side>> routedAsks = new ArrayList<>();
        // Endpoints get the request as the route sends it (rewritten); every upstream of a split is asked.
        DirectExchange.Request upstreamRequest = targets.directRequest();
        UpstreamConfig routed = targets.route() == null || targets.upstreams().isEmpty() ? null : targets.upstreams().get(0);
        if (routed != null) {
            for (UpstreamConfig u : targets.upstreams()) {
                for (Map.Entry<HostPort, InetSocketAddress> a : addresses(u).entrySet()) {
                    routedAsks.add(ask(Endpoint.ipPort(a.getValue()), u, a.getValue(), a.getKey(), upstreamRequest));
                }
            }
        }
        Side through = proxy.join();
        List<Side> direct = routedAsks.stream().map(CompletableFuture::join).toList();
        out.add(proxyCheck(through, request));
        for (Side d : direct) {
            out.add(endpointCheck(d, through, upstreamRequest));
        }
        List<Side> elsewhere = List.of();
        if (!direct.isEmpty() && direct.stream().noneMatch(Side::good)) {
            List<CompletableFuture<Side>> others = new ArrayList<>();
            for (UpstreamConfig u : config.upstreams().values()) {
                if (!targets.upstreams().contains(u)) {
                    for (Map.Entry<HostPort, InetSocketAddress> a : addresses(u).entrySet()) {
                        others.add(ask(Endpoint.ipPort(a.getValue()), u, a.getValue(), a.getKey(), upstreamRequest));
                    }
                }
            }
            elsewhere = others.stream().map(CompletableFuture::join).filter(Side::good).toList();
        }
        out.add(verdict(through, direct, elsewhere, routed));
        return out;
    }

    /** Asks the proxy ({@code upstream} null; TLS for an https URL) or an endpoint of {@code upstream} (its TLS if any). */
    private CompletableFuture<Side> ask(String label, UpstreamConfig upstream, InetSocketAddress address,
                                        HostPort configured, DirectExchange.Request r) {
        return CompletableFuture.supplyAsync(() -> {
            DirectExchange.Limits limits = new DirectExchange.Limits(CONNECT_MILLIS, RESPONSE_MILLIS, 0);
            var f = upstream == null ? proxySide.send(loop, address, r, limits)
                    : exchange.send(loop, upstream.name(), Doctor.endpoint(upstream, configured, address, clock), r, limits);
            f.awaitUninterruptibly(CONNECT_MILLIS + RESPONSE_MILLIS + 5_000);
            return new Side(label, upstream == null ? null : upstream.name(), f.getNow());
        }, workers);
    }

    /** The endpoints' addresses; names are looked up by the JDK (the DNS section shows the proxy's own view). */
    static Map<HostPort, InetSocketAddress> addresses(UpstreamConfig u) {
        Map<HostPort, InetSocketAddress> out = new LinkedHashMap<>();
        for (EndpointConfig e : u.endpoints()) {
            InetSocketAddress a = new InetSocketAddress(e.address().host(), e.address().port());
            if (!a.isUnresolved()) {
                out.put(e.address(), a);
            }
        }
        return out;
    }

    private Check proxyCheck(Side s, DirectExchange.Request r) {
        DirectExchange.Outcome o = s.outcome();
        Check.Builder b = evidence(Check.of(Section.BYPASS, "bypass.proxy", url.toString()), o)
                .with("proxy_status", o.header("Proxy-Status")).with("request_id", o.header("X-Request-Id"));
        if (proxySide.trust() != null) {
            b.with("tls_trust", proxySide.trust());
            if (o.tls() != null) {
                b.with("tls_protocol", o.tls().protocol()).with("certificate", o.tls().peerSubject());
            }
        }
        // No answer from Candor at all (a refused connect, a failed handshake), or the error Candor reported.
        b.error(o.failure() != null ? o.failure().type() : proxyError(o));
        if (s.good()) {
            return b.pass("through the proxy: " + summary(o));
        }
        boolean tls = o.failure() != null && o.failure().phase() == dev.candor.failure.Phase.TLS;
        return b.advice(tls ? "Candor's listener at " + url.getHost() + ":" + portOf() + " fails the TLS handshake for "
                        + url.getHost() + ": " + o.failure().error() + "; check listeners[].tls.certificates (the names"
                        + " they hold) against the name clients use"
                        : o.failure() != null ? "Candor does not answer at " + url.getHost() + ":" + portOf()
                        + ": is it running, and is this its listener?" : "see the verdict below")
                .confirm("curl -sv -o /dev/null '" + url + "'")
                .fail("through the proxy: " + summary(o));
    }

    private Check endpointCheck(Side d, Side proxy, DirectExchange.Request r) {
        DirectExchange.Outcome o = d.outcome();
        Check.Builder b = evidence(Check.of(Section.BYPASS, "bypass.direct", d.upstream() + " " + d.label()), o);
        List<String> differ = differingHeaders(proxy.outcome(), o);
        b.with("headers_differing_from_proxy", differ.isEmpty() ? null : differ);
        b.with("same_body_as_proxy", o.bodySha256() != null && o.bodySha256().equals(proxy.outcome().bodySha256()));
        b.confirm(ConfirmCommand.forFailure(ErrorType.HTTP_PROTOCOL_ERROR, r.method(), url.getRawAuthority(),
                r.path(), d.label()));
        if (d.good()) {
            return b.confirm(null).pass("direct: " + summary(o));
        }
        b.error(o.failure() != null ? o.failure().type() : null);
        return b.advice("the endpoint itself fails this request, without the proxy").fail("direct: " + summary(o));
    }

    private Check verdict(Side proxy, List<Side> direct, List<Side> elsewhere, UpstreamConfig routed) {
        Check.Builder b = Check.of(Section.BYPASS, "bypass.verdict", url.toString())
                .with("proxy", proxy.result());
        Map<String, String> sides = new LinkedHashMap<>();
        direct.forEach(d -> sides.put(d.label(), d.result()));
        b.with("direct", sides);
        long good = direct.stream().filter(Side::good).count();
        if (routed == null) {
            return b.with("side", "proxy").advice("no route matches " + url + " (see config.route)")
                    .step(Step.of(Step.Rank.ROUTE, "add a route that matches " + url))
                    .fail("proxy side: no route matches the URL");
        }
        ErrorType proxyError = proxyError(proxy.outcome());
        if (!elsewhere.isEmpty()) {
            Side other = elsewhere.get(0);
            b.with("side", "proxy").with("answers_well", other.upstream() + " " + other.label() + " -> " + other.result());
            return b.error(proxyError)
                    .advice("route " + targets.route() + " sends this request to upstream " + routed.name()
                            + ", whose endpoints all fail it, while upstream " + other.upstream() + " answers "
                            + other.result() + ": the route probably points at the wrong upstream")
                    .step(Step.of(Step.Rank.ROUTE, "point route " + targets.route() + " at upstream " + other.upstream()
                            + " (it sends " + url.getPath() + " to " + routed.name() + ", which answers "
                            + direct.get(0).result() + "; " + other.upstream() + " answers " + other.result()
                            + "), then reload Candor (kill -HUP)"))
                    .fail("proxy side: the route picks upstream " + routed.name() + ", but " + other.upstream()
                            + " is the one that serves this request");
        }
        if (good == direct.size() && proxy.good()) {
            boolean sameStatus = direct.stream().allMatch(d -> d.outcome().status() == proxy.outcome().status());
            return b.with("side", "none")
                    .pass(sameStatus ? "proxy and every endpoint agree (" + proxy.result() + ")"
                            : "proxy and endpoints all succeed, with different statuses");
        }
        if (good == direct.size()) {
            b.with("side", "proxy").error(proxyError);
            String fix = proxyError == null ? "compare the proxy's answer with the direct ones above"
                    : proxyError.summary() + " only through the proxy: " + proxyError.nextCheck();
            return b.advice(fix + "; the proxy's own evidence is under /api/errors/" + proxy.outcome().header("X-Request-Id"))
                    .step(Step.of(Step.Rank.ROUTE, "the fault is on the proxy side for " + url + ": every endpoint answers "
                            + direct.get(0).result() + " directly, the proxy answers " + proxy.result()))
                    .fail("proxy side: every endpoint answers well directly, the proxy answers " + proxy.result());
        }
        if (good > 0) {
            List<String> bad = direct.stream().filter(d -> !d.good()).map(Side::label).toList();
            b.with("side", bad.size() == 1 ? "one endpoint" : "some endpoints").with("failing", bad);
            return b.advice("drain " + String.join(", ", bad) + " (POST /api/upstreams/" + routed.name()
                            + "/endpoints/" + bad.get(0) + "/drain on the admin address) and fix it; the others answer well")
                    .step(Step.of(Step.Rank.BACKEND, "drain " + String.join(", ", bad) + " of upstreams." + routed.name()
                            + " until it is fixed: it fails " + url.getPath() + " directly while the other endpoints answer it"))
                    .fail((bad.size() == 1 ? "one endpoint only: " + bad.get(0) + " fails" : "some endpoints: "
                            + String.join(", ", bad) + " fail") + " directly, " + good + " of " + direct.size() + " answer well");
        }
        b.with("side", "backend").error(direct.get(0).outcome().failure() == null ? null
                : direct.get(0).outcome().failure().type());
        return b.advice("every endpoint fails this request directly, as it fails through the proxy: the fault is in the"
                        + " backend; read its log")
                .step(Step.restart("fix the backend of upstreams." + routed.name() + ": every endpoint fails " + url.getPath()
                        + " directly (" + direct.get(0).result() + ")"))
                .fail("backend side: every endpoint fails directly (" + direct.get(0).result() + ")");
    }

    private int portOf() {
        return Targets.portOf(url);
    }

    private static Check.Builder evidence(Check.Builder b, DirectExchange.Outcome o) {
        if (o.failure() != null) {
            return b.with("failure", o.failure().type().token()).with("detail", o.failure().error())
                    .with("after_ms", Fmt.msValue(o.totalNanos()));
        }
        Map<String, String> key = new LinkedHashMap<>();
        for (String h : KEY_HEADERS) {
            if (o.header(h) != null) {
                key.put(h, o.header(h));
            }
        }
        return b.with("status", o.status()).with("headers_ms", Fmt.msValue(o.headersNanos() - o.connectNanos()))
                .with("total_ms", Fmt.msValue(o.totalNanos())).with("body_bytes", o.bodyBytes())
                .with("body_sha256", o.bodySha256() == null ? null : o.bodySha256().substring(0, 16))
                .with("headers", key);
    }

    private static String summary(DirectExchange.Outcome o) {
        if (o.failure() != null) {
            return o.failure().type().token() + " after " + Fmt.ms(o.totalNanos());
        }
        return o.status() + " in " + Fmt.ms(o.totalNanos()) + ", " + o.bodyBytes() + " bytes, sha256 "
                + (o.bodySha256() == null ? "-" : o.bodySha256().substring(0, 12));
    }

    /** The error type in the proxy's {@code Proxy-Status} header ({@code candor; error=...}), if any. */
    static ErrorType proxyError(DirectExchange.Outcome o) {
        String token = proxyErrorToken(o);
        return token == null ? null : ErrorType.fromToken(token);
    }

    /**
     * The {@code error=} token of the proxy's {@code Proxy-Status} header, as written, or null; kept as text
     * because a newer Candor may name a type this build does not know.
     */
    static String proxyErrorToken(DirectExchange.Outcome o) {
        if (o.failure() != null) {
            return null;
        }
        String ps = o.header("Proxy-Status");
        if (ps == null) {
            return null;
        }
        int at = ps.indexOf("error=");
        if (at < 0) {
            return null;
        }
        int end = at + 6;
        while (end < ps.length() && (Character.isLetterOrDigit(ps.charAt(end)) || ps.charAt(end) == '_')) {
            end++;
        }
        return end == at + 6 ? null : ps.substring(at + 6, end).toLowerCase(Locale.ROOT);
    }

    private static List<String> differingHeaders(DirectExchange.Outcome proxy, DirectExchange.Outcome direct) {
        List<String> out = new ArrayList<>();
        if (proxy.failure() != null || direct.failure() != null) {
            return out;
        }
        for (String h : Set.copyOf(KEY_HEADERS)) {
            String a = proxy.header(h);
            String b = direct.header(h);
            if (a == null ? b != null : !a.equals(b)) {
                out.add(h);
            }
        }
        out.sort(String::compareTo);
        return out;
    }
}
