package dev.candor.it.failure;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.Reply;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static dev.candor.it.failure.Evidence.assertDetailedReply;
import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlThrough;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3 {@code http_protocol_error}: what came back is not an HTTP/1.1 response. The two classic
 * misconfigurations — an HTTPS port, an h2-only server — are recognised from the first bytes and named.
 */
class ProtocolErrorTest {

    /** A TLS alert record: content type 21, TLS 1.2, length 2, fatal (2) handshake_failure (40). */
    private static final byte[] TLS_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

    /** An empty SETTINGS frame, then GOAWAY(last stream 0, PROTOCOL_ERROR): an h2-only server meeting HTTP/1.1. */
    private static final byte[] H2_SETTINGS_THEN_GOAWAY = {
            0, 0, 0, 0x04, 0, 0, 0, 0, 0,
            0, 0, 8, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private record Seen(ProxyUnderTest proxy, int port, RawResponse response, AccessLogEntry entry, FailureReport report) {
    }

    /** Sends {@code GET path} through a proxy (errors exposed in detail) to a backend that answers {@code answer}. */
    private Seen exchange(String path, Consumer<Reply> answer) {
        TestBackend backend = cleanup.add(TestBackend.start((request, reply) -> answer.accept(reply)));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "errors: { expose: details }", ""));
        RawResponse response = proxy.get(path, "Accept: application/json");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertDetailedReply(response, ErrorType.HTTP_PROTOCOL_ERROR, "127.0.0.1:" + backend.port(), entry.errorDetail());
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("http_protocol_error");
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).isNotNull();
        assertThat(entry.ttfbMs()).as("no response head was accepted").isNull();
        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.detail()).isEqualTo(entry.errorDetail());
        assertThat(report.limit()).isNull();
        assertThat(report.confirm()).isEqualTo(curlThrough("GET", path, backend.port()));
        assertThat(report.attempts()).singleElement()
                .satisfies(a -> assertThat(a.error()).isEqualTo(ErrorType.HTTP_PROTOCOL_ERROR));
        assertThat(backend.requests()).as("not sent again").hasSize(1);
        return new Seen(proxy, backend.port(), response, entry, report);
    }

    @Test
    void aStatusLineWithALetterCodeGets502HttpProtocolError() {
        Seen seen = exchange("/bad-status", reply -> reply.raw("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n").close());

        assertThat(seen.entry().errorDetail()).startsWith("malformed response from 127.0.0.1:" + seen.port() + ": ");
        assertThat(seen.report().cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.MALFORMED);
    }

    @Test
    void twoDifferentContentLengthsGet502HttpProtocolErrorRatherThanAGuessAtTheFraming() {
        Seen seen = exchange("/two-lengths", reply -> reply
                .raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!").close());

        assertThat(seen.report().cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.MALFORMED);
    }

    @Test
    void aTlsAlertWhereAStatusLineShouldBeIsExplainedAsAnHttpsPort() {
        Seen seen = exchange("/tls", reply -> reply.raw(TLS_ALERT).close());

        assertThat(seen.entry().errorDetail()).contains("TLS").contains("HTTPS");
        assertThat(seen.report().cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.TLS_RECORD);
        assertThat(seen.report().trace()).contains("UPSTREAM_MALFORMED(TLS_RECORD)");
    }

    @Test
    void anHttp2SettingsFrameAndGoawayAreExplainedAsAnHttp2OnlyServer() {
        Seen seen = exchange("/h2", reply -> reply.raw(H2_SETTINGS_THEN_GOAWAY).close());

        assertThat(seen.entry().errorDetail()).contains("HTTP/2");
        assertThat(seen.report().cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.HTTP2_PREFACE);
        assertThat(seen.report().trace()).contains("UPSTREAM_MALFORMED(HTTP2_PREFACE)");
    }
}
