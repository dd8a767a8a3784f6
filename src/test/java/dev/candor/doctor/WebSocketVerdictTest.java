package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How one WebSocket handshake answer is judged, and which side the verdict blames, from answers made up
 * here: every combination without a network.
 */
class WebSocketVerdictTest {
    private static final URI URL = URI.create("ws://127.0.0.1:8080/chat");

    @Test
    void theAcceptValueIsTheOneOfRfc6455sOwnExample() {
        assertThat(Handshake.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void aHandshakeCarriesAFreshKeyAndTheVersion13Headers() {
        Handshake a = Handshake.of("example.test", "/chat");
        Handshake b = Handshake.of("example.test", "/chat");
        assertThat(a.key()).isNotEqualTo(b.key()).hasSize(24);
        assertThat(a.request().headers()).contains(Map.entry("Host", "example.test"), Map.entry("Connection", "Upgrade"),
                Map.entry("Upgrade", "websocket"), Map.entry("Sec-WebSocket-Version", "13"),
                Map.entry("Sec-WebSocket-Key", a.key()));
    }

    @Test
    void a101IsJudgedAsAClientMustJudgeIt() {
        Handshake h = Handshake.of("h", "/");
        String good = h.expectedAccept();
        assertThat(h.judge(answer(101, "Upgrade", "WebSocket", "Connection", "keep-alive, Upgrade",
                "Sec-WebSocket-Accept", good))).isEqualTo(Handshake.Result.ACCEPTED);
        assertThat(h.judge(answer(101, "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", "x" + good))).isEqualTo(Handshake.Result.WRONG_ACCEPT);
        assertThat(h.judge(answer(101, "Upgrade", "websocket", "Connection", "Upgrade")))
                .isEqualTo(Handshake.Result.MISSING_ACCEPT);
        assertThat(h.judge(answer(101, "Upgrade", "h2c", "Connection", "Upgrade"))).isEqualTo(Handshake.Result.OTHER_PROTOCOL);
        assertThat(h.judge(answer(101, "Connection", "Upgrade"))).isEqualTo(Handshake.Result.OTHER_PROTOCOL);
        assertThat(h.judge(answer(101, "Upgrade", "websocket", "Sec-WebSocket-Accept", good)))
                .isEqualTo(Handshake.Result.NO_CONNECTION_UPGRADE);
        assertThat(h.judge(answer(200))).isEqualTo(Handshake.Result.REFUSED);
        assertThat(h.judge(refused())).isEqualTo(Handshake.Result.NO_ANSWER);
        assertThat(h.flaw(answer(101, "Connection", "Upgrade"))).isEqualTo("101 Switching Protocols without an Upgrade header");
    }

    @Test
    void everySideAcceptingPasses() {
        Check c = WebSocketVerdict.of(URL, "app", accepted("proxy"), List.of(accepted("a"), accepted("b")));
        assertThat(c.status()).isEqualTo(Status.PASS);
        assertThat(c.evidence()).containsEntry("side", "none").containsEntry("proxy", "101");
    }

    @Test
    void endpointsThatAcceptWhileCandorAnswersItsOwnErrorPutTheFaultOnTheProxyWithThatErrorType() {
        Check c = WebSocketVerdict.of(URL, "app",
                side("proxy", null, answer(502, "Proxy-Status", "candor; error=connection_terminated", "X-Request-Id", "r1")),
                List.of(accepted("a")));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.error()).isEqualTo(ErrorType.CONNECTION_TERMINATED);
        assertThat(c.evidence()).containsEntry("side", "proxy").containsEntry("proxy_error", "connection_terminated");
        assertThat(c.summary()).isEqualTo("proxy side: Candor does not carry the upgrade: every endpoint accepts it directly,"
                + " through Candor 502 Bad Gateway (connection_terminated)");
        assertThat(c.advice()).startsWith("Candor answered the upgrade itself with 502 (Proxy-Status error=connection_terminated): "
                + ErrorType.CONNECTION_TERMINATED.summary()).endsWith("under /api/errors/r1 on the admin address");
        assertThat(c.step().rank()).isEqualTo(Step.Rank.ROUTE);
    }

    @Test
    void anErrorTypeThisBuildDoesNotKnowIsStillNamedFromTheProxyStatusHeader() {
        Check c = WebSocketVerdict.of(URL, "app",
                side("proxy", null, answer(502, "Proxy-Status", "candor; error=some_later_type")), List.of(accepted("a")));
        assertThat(c.error()).isNull();
        assertThat(c.evidence()).containsEntry("side", "proxy").containsEntry("proxy_error", "some_later_type");
        assertThat(c.summary()).endsWith("through Candor 502 Bad Gateway (some_later_type)");
    }

    @Test
    void aBad101ThroughCandorWhileTheEndpointsAreRightIsTheProxySide() {
        Check c = WebSocketVerdict.of(URL, "app",
                side("proxy", null, answer(101, "Upgrade", "websocket", "Connection", "Upgrade")), List.of(accepted("a")));
        assertThat(c.evidence()).containsEntry("side", "proxy").containsEntry("proxy", "101 missing_accept");
        assertThat(c.advice()).contains("101 Switching Protocols without Sec-WebSocket-Accept");
    }

    @Test
    void noAnswerFromCandorWhileTheEndpointsAcceptIsTheProxySideWithTheConnectError() {
        Check c = WebSocketVerdict.of(URL, "app", side("proxy", null, refused()), List.of(accepted("a")));
        assertThat(c.error()).isEqualTo(ErrorType.CONNECTION_REFUSED);
        assertThat(c.advice()).startsWith("Candor does not answer at 127.0.0.1:8080");
    }

    @Test
    void endpointsThatCannotBeReachedPutTheFaultOnTheBackendWithARestart() {
        Check c = WebSocketVerdict.of(URL, "app", side("proxy", null, answer(502, "Proxy-Status",
                "candor; error=connection_refused")), List.of(side("a", "app", refused())));
        assertThat(c.evidence()).containsEntry("side", "backend");
        assertThat(c.error()).isEqualTo(ErrorType.CONNECTION_REFUSED);
        assertThat(c.step().restart()).isTrue();
    }

    @Test
    void aRefusalRelayedByCandorDifferentFromTheDirectOneIsStillTheBackendsToFix() {
        Check c = WebSocketVerdict.of(URL, "app", side("proxy", null, answer(400)),
                List.of(side("a", "app", answer(403)), side("b", "app", answer(403))));
        assertThat(c.evidence()).containsEntry("side", "backend");
        assertThat(c.summary()).isEqualTo("backend side: the backend refuses the upgrade itself: every endpoint answers"
                + " 403 Forbidden directly, through Candor 400 Bad Request");
    }

    @Test
    void noRouteIsTheProxySide() {
        Check c = WebSocketVerdict.of(URL, null, accepted("proxy"), List.of());
        assertThat(c.evidence()).containsEntry("side", "proxy");
        assertThat(c.summary()).isEqualTo("proxy side: no route matches the URL");
    }

    @Test
    void whatARefusalMeansDependsOnItsStatus() {
        assertThat(WebSocketVerdict.refusal(answer(404))).contains("nothing at this path handles WebSocket");
        assertThat(WebSocketVerdict.refusal(answer(200))).contains("as an ordinary request (200)");
        assertThat(WebSocketVerdict.refusal(answer(503))).contains("read its log");
        assertThat(WebSocketVerdict.refusal(answer(426))).contains("did not recognise the version 13 handshake");
        assertThat(WebSocketVerdict.statusLine(499)).isEqualTo("499");
    }

    private static WebSocketBypass.Side accepted(String label) {
        Handshake h = Handshake.of("h", "/chat");
        return new WebSocketBypass.Side(label, label.equals("proxy") ? null : "app", null, h, answer(101, "Upgrade", "websocket",
                "Connection", "Upgrade", "Sec-WebSocket-Accept", h.expectedAccept()));
    }

    private static WebSocketBypass.Side side(String label, String upstream, DirectExchange.Outcome o) {
        return new WebSocketBypass.Side(label, upstream, null, Handshake.of("h", "/chat"), o);
    }

    private static DirectExchange.Outcome answer(int status, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new DirectExchange.Outcome(100_000, 600_000, 700_000, status, list, null, 0, null, -1, true, null);
    }

    private static DirectExchange.Outcome refused() {
        return new DirectExchange.Outcome(-1, -1, 300_000, 0, List.of(), null, 0,
                new Cause(Phase.CONNECT, Actor.UPSTREAM, Signal.REFUSED, "ECONNREFUSED"), -1, false, null);
    }
}
