package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;
import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.upstream.Endpoint;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Section 6 for a {@code ws://} or {@code wss://} URL: the WebSocket opening handshake sent through the
 * proxy and straight to each endpoint of the routed upstream, in parallel, each judged as a client
 * judges it, then which side refuses the upgrade. Only the handshake is looked at; each connection is
 * closed right after its 101.
 */
final class WebSocketBypass {
    private static final long CONNECT_MILLIS = 2_000;
    private static final long RESPONSE_MILLIS = 15_000;

    private final DirectExchange exchange;
    private final ProxySide proxySide;
    private final EventLoop loop;
    private final Targets targets;
    private final URI url;
    private final ExecutorService workers;
    private final Clock clock;

    WebSocketBypass(DirectExchange exchange, ProxySide proxySide, EventLoop loop, Targets targets, URI url,
                    ExecutorService workers, Clock clock) {
        this.exchange = exchange;
        this.proxySide = proxySide;
        this.loop = loop;
        this.targets = targets;
        this.url = url;
        this.workers = workers;
        this.clock = clock;
    }

    /**
     * One side's handshake and its answer.
     *
     * @param upstream the endpoint's upstream, or null for the proxy
     * @param tls how Candor speaks TLS to that endpoint, for confirm commands; null for plain HTTP and the proxy
     */
    record Side(String label, String upstream, ConfirmCommand.Tls tls, Handshake handshake,
                DirectExchange.Outcome outcome) {
        Handshake.Result result() {
            return handshake.judge(outcome);
        }

        boolean accepted() {
            return result() == Handshake.Result.ACCEPTED;
        }

        /** Short, for the verdict's evidence: {@code 101}, {@code 403}, {@code connection_refused}, {@code 101 wrong_accept}. */
        String brief() {
            Handshake.Result r = result();
            return switch (r) {
                case NO_ANSWER -> outcome.failure().type().token();
                case REFUSED -> String.valueOf(outcome.status());
                case ACCEPTED -> "101";
                case OTHER_PROTOCOL, MISSING_ACCEPT, WRONG_ACCEPT, NO_CONNECTION_UPGRADE ->
                        "101 " + r.name().toLowerCase(Locale.ROOT);
            };
        }

        /** For a sentence: {@code 101 Switching Protocols}, {@code 403 Forbidden}, {@code connection_refused}. */
        String said() {
            return switch (result()) {
                case NO_ANSWER -> outcome.failure().type().token();
                case REFUSED -> WebSocketVerdict.statusLine(outcome.status());
                case ACCEPTED -> "101 Switching Protocols";
                case OTHER_PROTOCOL, MISSING_ACCEPT, WRONG_ACCEPT, NO_CONNECTION_UPGRADE -> handshake.flaw(outcome);
            };
        }
    }

    List<Check> run() {
        String host = url.getRawAuthority();
        String path = Targets.pathOf(url);
        int port = Targets.portOf(url);
        CompletableFuture<Side> proxy = ask("proxy " + url.getHost() + ":" + port, null,
                new InetSocketAddress(url.getHost(), port), null, Handshake.of(host, path));
        UpstreamConfig routed = targets.route() == null ? null : targets.upstreams().get(0);
        List<CompletableFuture<Side>> asks = new ArrayList<>();
        if (routed != null) {
            for (Map.Entry<HostPort, InetSocketAddress> a : Bypass.addresses(routed).entrySet()) {
                asks.add(ask(Endpoint.ipPort(a.getValue()), routed, a.getValue(), a.getKey(), Handshake.of(host, path)));
            }
        }
        Side through = proxy.join();
        List<Side> direct = asks.stream().map(CompletableFuture::join).toList();
        List<Check> out = new ArrayList<>();
        out.add(proxyCheck(through));
        for (Side d : direct) {
            out.add(endpointCheck(d));
        }
        out.add(WebSocketVerdict.of(url, routed == null ? null : routed.name(), through, direct));
        return out;
    }

    private CompletableFuture<Side> ask(String label, UpstreamConfig upstream, InetSocketAddress address,
                                        HostPort configured, Handshake h) {
        return CompletableFuture.supplyAsync(() -> {
            DirectExchange.Limits limits = new DirectExchange.Limits(CONNECT_MILLIS, RESPONSE_MILLIS, 0);
            var f = upstream == null ? proxySide.send(loop, address, h.request(), limits)
                    : exchange.send(loop, upstream.name(), Doctor.endpoint(upstream, configured, address, clock), h.request(), limits);
            f.awaitUninterruptibly(CONNECT_MILLIS + RESPONSE_MILLIS + 5_000);
            return upstream == null ? new Side(label, null, null, h, f.getNow())
                    : new Side(label, upstream.name(), ConfirmCommand.Tls.of(upstream.tls(), configured.host()), h, f.getNow());
        }, workers);
    }

    private Check proxyCheck(Side s) {
        DirectExchange.Outcome o = s.outcome();
        Check.Builder b = evidence(Check.of(Section.BYPASS, "websocket.proxy", url.toString()), s)
                .with("proxy_status", o.header("Proxy-Status")).with("request_id", o.header("X-Request-Id"));
        if (proxySide.trust() != null) {
            b.with("tls_trust", proxySide.trust());
            if (o.tls() != null) {
                b.with("tls_protocol", o.tls().protocol()).with("certificate", o.tls().peerSubject());
            }
        }
        if (s.accepted()) {
            return b.pass("through the proxy: " + accepted(o));
        }
        b.confirm(ConfirmCommand.websocket(url.toString()));
        if (s.result() == Handshake.Result.NO_ANSWER) {
            boolean tls = o.failure().phase() == Phase.TLS;
            return b.error(o.failure().type())
                    .advice(tls ? "Candor's listener at " + url.getHost() + ":" + Targets.portOf(url) + " fails the TLS"
                            + " handshake for " + url.getHost() + ": " + o.failure().error() + "; check"
                            + " listeners[].tls.certificates (the names they hold) against the name clients use"
                            : "Candor does not answer at " + url.getHost() + ":" + Targets.portOf(url)
                            + ": is it running, and is this its listener?")
                    .fail("through the proxy: " + o.failure().type().token() + " after " + Fmt.ms(o.totalNanos()));
        }
        String candorError = Bypass.proxyErrorToken(o);
        b.error(ErrorType.fromToken(candorError)).advice("see websocket.verdict below");
        if (s.result() == Handshake.Result.REFUSED) {
            return b.fail("through the proxy: no upgrade, " + WebSocketVerdict.statusLine(o.status())
                    + (candorError != null ? " made by Candor (Proxy-Status error=" + candorError + ")"
                    : " (not a Candor error: the upstream's answer, relayed)"));
        }
        return b.fail("through the proxy: " + s.said());
    }

    private Check endpointCheck(Side d) {
        DirectExchange.Outcome o = d.outcome();
        Check.Builder b = evidence(Check.of(Section.BYPASS, "websocket.direct", d.upstream() + " " + d.label()), d);
        if (d.accepted()) {
            return b.pass("direct: " + accepted(o));
        }
        b.confirm(ConfirmCommand.websocket(url.getRawAuthority(), Targets.pathOf(url), d.label(), d.tls()));
        return switch (d.result()) {
            case NO_ANSWER -> b.error(o.failure().type()).advice(o.failure().type().nextCheck())
                    .fail("direct: " + o.failure().type().token() + " after " + Fmt.ms(o.totalNanos()));
            case REFUSED -> b.advice(WebSocketVerdict.refusal(o) + "; the fix is in the application, not in Candor")
                    .fail("the backend itself refuses the upgrade: " + WebSocketVerdict.statusLine(o.status()) + " directly, without Candor");
            case OTHER_PROTOCOL -> b.error(ErrorType.HTTP_UPGRADE_FAILED)
                    .advice("asked for websocket, the backend switches to something else: a client gives up, and Candor"
                            + " answers such a switch with 502 http_upgrade_failed; fix the backend's upgrade handling")
                    .fail("direct: " + d.said());
            case MISSING_ACCEPT, WRONG_ACCEPT, NO_CONNECTION_UPGRADE -> b
                    .advice("a WebSocket client must reject this 101 (RFC 6455 section 4.1): the backend's handshake code"
                            + " (Sec-WebSocket-Accept is the base64 SHA-1 of the key and the RFC's fixed GUID) or"
                            + " something in front of it that rewrites headers is at fault, not Candor")
                    .fail("direct: " + d.said() + "; a client rejects it");
            case ACCEPTED -> throw new IllegalStateException("handled above");
        };
    }

    private static String accepted(DirectExchange.Outcome o) {
        return "101 Switching Protocols in " + Fmt.ms(o.headersNanos() - Math.max(0, o.connectNanos()))
                + ", Sec-WebSocket-Accept fits the key";
    }

    private static Check.Builder evidence(Check.Builder b, Side s) {
        DirectExchange.Outcome o = s.outcome();
        if (o.failure() != null) {
            return b.with("failure", o.failure().type().token()).with("detail", o.failure().error())
                    .with("after_ms", Fmt.msValue(o.totalNanos()));
        }
        b.with("status", o.status()).with("handshake", s.result().name().toLowerCase(Locale.ROOT))
                .with("headers_ms", Fmt.msValue(o.headersNanos() - Math.max(0, o.connectNanos())))
                .with("upgrade", o.header("Upgrade")).with("connection", o.header("Connection"))
                .with("sec_websocket_accept", o.header("Sec-WebSocket-Accept"))
                .with("sec_websocket_version", o.status() == 101 ? null : o.header("Sec-WebSocket-Version"));
        if (s.result() == Handshake.Result.WRONG_ACCEPT) {
            b.with("expected_accept", s.handshake().expectedAccept());
        }
        return b;
    }
}
