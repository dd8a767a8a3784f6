package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.doctor.WebSocketBypass.Side;
import dev.candor.failure.ErrorType;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last check of a WebSocket bypass, {@code websocket.verdict}: from the handshake's answers through
 * the proxy and straight from each endpoint, which side refuses the upgrade, and what to do about it.
 */
final class WebSocketVerdict {

    private WebSocketVerdict() {
    }

    /**
     * Which side refuses the upgrade: none (it works both ways), the proxy (every endpoint accepts it
     * directly), some endpoints, or the backend (no endpoint accepts it directly).
     *
     * @param upstream the routed upstream's name, or null when no route matches
     */
    static Check of(URI url, String upstream, Side proxy, List<Side> direct) {
        Check.Builder b = Check.of(Section.BYPASS, "websocket.verdict", url.toString()).with("proxy", proxy.brief());
        Map<String, String> sides = new LinkedHashMap<>();
        direct.forEach(d -> sides.put(d.label(), d.brief()));
        b.with("direct", sides);
        if (upstream == null) {
            return b.with("side", "proxy").advice("no route matches " + url + " (see config.route)")
                    .step(Step.of(Step.Rank.ROUTE, "add a route that matches " + url))
                    .fail("proxy side: no route matches the URL");
        }
        if (direct.isEmpty()) {
            return b.advice("no address of upstream " + upstream + " could be looked up (see backend.dns)")
                    .warn("no endpoint to compare with");
        }
        long accepted = direct.stream().filter(Side::accepted).count();
        if (accepted == direct.size() && proxy.accepted()) {
            return b.with("side", "none").pass("the upgrade works directly and through Candor (101 everywhere)");
        }
        if (accepted == direct.size()) {
            return proxySide(b, url, proxy);
        }
        if (accepted > 0) {
            List<String> bad = direct.stream().filter(d -> !d.accepted()).map(Side::label).toList();
            b.with("side", bad.size() == 1 ? "one endpoint" : "some endpoints").with("failing", bad);
            return b.advice("drain " + String.join(", ", bad) + " (POST /api/upstreams/" + upstream + "/endpoints/"
                            + bad.get(0) + "/drain on the admin address) and fix it: the others accept the upgrade")
                    .step(Step.of(Step.Rank.BACKEND, "drain " + String.join(", ", bad) + " of upstreams." + upstream
                            + " until it accepts WebSocket upgrades for " + url.getPath() + " as the other endpoints do"))
                    .fail((bad.size() == 1 ? "one endpoint only: " + bad.get(0) + " refuses" : "some endpoints: "
                            + String.join(", ", bad) + " refuse") + " the upgrade directly, " + accepted + " of "
                            + direct.size() + " accept it");
        }
        return backendSide(b, url, upstream, proxy, direct);
    }

    /** Every endpoint accepts the upgrade directly, and through Candor it does not work. */
    private static Check proxySide(Check.Builder b, URI url, Side proxy) {
        DirectExchange.Outcome o = proxy.outcome();
        b.with("side", "proxy");
        String where = url.getHost() + ":" + Targets.portOf(url);
        String advice;
        if (proxy.result() == Handshake.Result.NO_ANSWER) {
            b.error(o.failure().type());
            advice = "Candor does not answer at " + where + " (" + o.failure().error() + "): see websocket.proxy";
        } else if (proxy.result() == Handshake.Result.REFUSED && Bypass.proxyErrorToken(o) != null) {
            String token = Bypass.proxyErrorToken(o);
            ErrorType type = ErrorType.fromToken(token);
            b.error(type).with("proxy_error", token);
            advice = "Candor answered the upgrade itself with " + o.status() + " (Proxy-Status error=" + token + ")"
                    + (type == null ? "" : ": " + type.summary() + "; " + type.nextCheck())
                    + "; its evidence for this request is under /api/errors/" + o.header("X-Request-Id")
                    + " on the admin address";
        } else if (proxy.result() == Handshake.Result.REFUSED) {
            advice = "the backend answers " + o.status() + " through Candor and 101 directly: the request reached it"
                    + " without its Upgrade and Connection headers. Candor carries WebSocket upgrades with no"
                    + " configuration; a Candor without WebSocket support (see `candor version`) drops them as"
                    + " hop-by-hop headers, and so may another proxy or load balancer between Candor and the backend";
        } else {
            advice = "the endpoints' own 101 is valid, the one through Candor is not (" + proxy.said() + "): something"
                    + " on the proxy side rewrites the handshake";
        }
        ErrorType type = ErrorType.fromToken(Bypass.proxyErrorToken(o));
        return b.advice(advice)
                .step(Step.of(Step.Rank.ROUTE, "make Candor carry the WebSocket upgrade for " + url + ": every endpoint"
                        + " accepts it directly, through Candor the answer is " + throughCandor(proxy)
                        + (type == null ? "" : "; " + type.nextCheck())))
                .fail("proxy side: Candor does not carry the upgrade: every endpoint accepts it directly, through Candor "
                        + throughCandor(proxy));
    }

    /** No endpoint accepts the upgrade directly: whatever Candor does, the fix is behind it. */
    private static Check backendSide(Check.Builder b, URI url, String upstream, Side proxy, List<Side> direct) {
        b.with("side", "backend");
        Side first = direct.get(0);
        boolean alike = direct.stream().allMatch(d -> d.brief().equals(first.brief()));
        String through = ", through Candor " + throughCandor(proxy);
        if (!alike) {
            String each = String.join(", ", direct.stream().map(d -> d.label() + ": " + d.brief()).toList());
            return b.advice("the fix is behind Candor: see websocket.direct above for what each endpoint answers")
                    .step(Step.of(Step.Rank.BACKEND, "make the endpoints of upstreams." + upstream + " accept the WebSocket"
                            + " upgrade for " + url.getPath() + ": none does directly (" + each + ")"))
                    .fail("backend side: no endpoint accepts the upgrade directly (" + each + ")" + through);
        }
        String directly = (direct.size() == 1 ? "the endpoint answers " : "every endpoint answers ") + first.said() + " directly";
        switch (first.result()) {
            case NO_ANSWER -> {
                b.error(first.outcome().failure().type());
                return b.advice("no endpoint of upstream " + upstream + " answers the handshake directly: see section 1"
                                + " for why, then run the doctor again")
                        .step(Step.restart("fix the backend of upstreams." + upstream + ": its endpoints fail the"
                                + " WebSocket handshake for " + url.getPath() + " directly (" + first.brief() + ")"))
                        .fail("backend side: " + directly + through);
            }
            case REFUSED -> {
                boolean same = proxy.result() == Handshake.Result.REFUSED && Bypass.proxyErrorToken(proxy.outcome()) == null
                        && proxy.outcome().status() == first.outcome().status();
                String both = directly + (same ? ", and the same through Candor" : through);
                return b.advice("the fix is in the application, not in Candor: " + refusal(first.outcome()))
                        .step(Step.of(Step.Rank.BACKEND, "make the application behind upstreams." + upstream + " accept"
                                + " the WebSocket upgrade for " + url.getPath() + ": " + both))
                        .fail("backend side: the backend refuses the upgrade itself: " + both);
            }
            default -> {
                // A 101 a client must reject; Candor answers the switch to another protocol with http_upgrade_failed.
                if (first.result() == Handshake.Result.OTHER_PROTOCOL) {
                    b.error(ErrorType.HTTP_UPGRADE_FAILED);
                }
                return b.advice("the fix is in the application, not in Candor: a WebSocket client must reject that 101;"
                                + " fix the backend's handshake (see websocket.direct above)")
                        .step(Step.of(Step.Rank.BACKEND, "fix the WebSocket handshake of the application behind upstreams."
                                + upstream + " for " + url.getPath() + ": " + directly))
                        .fail("backend side: the backend's own handshake is wrong: " + directly + through);
            }
        }
    }

    /** What came back through Candor, with the error type of Candor's own answers. */
    private static String throughCandor(Side proxy) {
        String token = Bypass.proxyErrorToken(proxy.outcome());
        return proxy.said() + (token == null ? "" : " (" + token + ")");
    }

    /** What a refusal with this status most likely means, said about the backend. */
    static String refusal(DirectExchange.Outcome o) {
        int s = o.status();
        String versions = o.header("Sec-WebSocket-Version");
        return switch (s) {
            case 400 -> "the backend rejects the handshake request (400): a header it requires is missing"
                    + " (a subprotocol, a token, Origin), or this path is not its WebSocket endpoint";
            case 401, 403 -> "the backend refuses this client (" + s + "): authentication, or an Origin check (the doctor"
                    + " sends no Origin header, as a non-browser client does)";
            case 404 -> "nothing at this path handles WebSocket on the backend (404): check the path";
            case 426 -> "the backend asks for an upgrade it did not get (426 Upgrade Required)" + (versions == null
                    ? ": it did not recognise the version 13 handshake"
                    : ": it speaks Sec-WebSocket-Version " + versions + ", the doctor asked for 13");
            default -> s < 400 ? "the backend answers the handshake as an ordinary request (" + s + "): nothing at this"
                    + " path handles the upgrade" : s >= 500 ? "the backend fails while handling the handshake (" + s
                    + "): read its log" : "the backend declines the upgrade with " + s;
        };
    }

    static String statusLine(int status) {
        String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        // Netty names a code it does not know after its class, e.g. "Client Error (499)": say only the number.
        return reason.endsWith("(" + status + ")") ? String.valueOf(status) : status + " " + reason;
    }
}
