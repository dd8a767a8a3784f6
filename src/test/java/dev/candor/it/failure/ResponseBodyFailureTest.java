package dev.candor.it.failure;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.BackendScript;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Payload;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlThrough;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §3 and §4: the response head already went to the client when the upstream failed, so the client's
 * response is cut — never ended as if complete — and the access log keeps the status that was sent.
 */
class ResponseBodyFailureTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestBackend backend;

    private ProxyUnderTest proxyInFrontOf(BackendScript script, String upstream) {
        backend = cleanup.add(TestBackend.start(script));
        return cleanup.add(ProxyUnderTest.inFrontOf(backend, "", upstream));
    }

    @Test
    void aBackendThatClosesAfter1000Of100000DeclaredBytesCutsTheClientAndLogs200HttpResponseIncomplete() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.streamPrefix(200, 100_000, 1_000).close(), "");
        int port = backend.port();

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/cut")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Length")).isEqualTo("100000");
            assertThat(response.complete()).as("EOF before the declared length").isFalse();
            assertThat(response.body()).isEqualTo(Payload.bytes(1_000));
            assertThat(client.closedByPeer()).isTrue();

            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.error()).isEqualTo("http_response_incomplete");
            assertThat(entry.errorDetail()).contains("127.0.0.1:" + port).contains("1000");
            assertThat(entry.upstreamStatus()).isEqualTo(200);
            assertThat(entry.bytesSent()).isEqualTo(1_000);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.connectMs()).isNotNull();
            assertThat(entry.ttfbMs()).isNotNull();

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.status()).as("what the client got").isEqualTo(200);
            assertThat(report.error()).isEqualTo(ErrorType.HTTP_RESPONSE_INCOMPLETE);
            assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                    .containsExactly(Phase.RECEIVE_BODY, Actor.UPSTREAM, Signal.CLOSED);
            assertThat(report.detail()).isEqualTo(entry.errorDetail());
            assertThat(report.limit()).isNull();
            assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/cut", port));
            assertThat(report.attempts()).singleElement().satisfies(a -> {
                assertThat(a.error()).isEqualTo(ErrorType.HTTP_RESPONSE_INCOMPLETE);
                assertThat(a.connection().closedBy()).isEqualTo(Actor.UPSTREAM);
                assertThat(a.timings().firstByteMs()).isNotNull();
            });
            assertThat(report.trace()).contains("RESPONSE_HEADERS(200)").contains("RESPONSE_CUT");
        }
    }

    @Test
    void aChunkedResponseCutBeforeItsLastChunkNeverGetsATerminatingChunkAndLogsHttpResponseIncomplete() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n")
                .close(), "");

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/cut-chunked")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(response.complete()).as("no terminating zero chunk").isFalse();
            assertThat(response.bodyText()).isEqualTo("hello world");

            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.error()).isEqualTo("http_response_incomplete");
            assertThat(entry.upstreamStatus()).isEqualTo(200);
            assertThat(entry.bytesSent()).isEqualTo(11);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.ttfbMs()).isNotNull();

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.status()).isEqualTo(200);
            assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                    .containsExactly(Phase.RECEIVE_BODY, Actor.UPSTREAM, Signal.CLOSED);
            assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/cut-chunked", backend.port()));
        }
    }

    @Test
    void aChunkedBodyWithAnInvalidChunkSizeCutsTheClientAndLogsHttpProtocolError() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nbroken\r\n0\r\n\r\n"), "");

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/bad-chunk")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.complete()).as("no terminating zero chunk").isFalse();
            assertThat(response.bodyText()).isEqualTo("hello");

            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.error()).isEqualTo("http_protocol_error");
            assertThat(entry.upstreamStatus()).isEqualTo(200);
            assertThat(entry.bytesSent()).isEqualTo(5);

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                    .containsExactly(Phase.RECEIVE_BODY, Actor.UPSTREAM, Signal.MALFORMED);
        }
        // A connection whose framing broke is never reused.
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
    }

    @Test
    void aBackendThatGoesSilentMidBodyCutsTheClientAfterTimeoutsIdleAndLogsConnectionReadTimeout() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.streamPrefix(200, 100_000, 1_000),
                "timeouts: { idle: 300ms }");
        int port = backend.port();

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/stall")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.complete()).isFalse();
            assertThat(response.body()).isEqualTo(Payload.bytes(1_000));

            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.error()).isEqualTo("connection_read_timeout");
            assertThat(entry.errorDetail())
                    .isEqualTo("127.0.0.1:" + port + " sent nothing for 300ms in the middle of the response body");
            assertThat(entry.upstreamStatus()).isEqualTo(200);
            assertThat(entry.bytesSent()).isEqualTo(1_000);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.connectMs()).isNotNull();
            assertThat(entry.ttfbMs()).isNotNull();
            assertThat(entry.durationMs()).isGreaterThanOrEqualTo(290);

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.status()).isEqualTo(200);
            assertThat(report.error()).isEqualTo(ErrorType.CONNECTION_READ_TIMEOUT);
            assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                    .containsExactly(Phase.RECEIVE_BODY, Actor.PROXY, Signal.TIMED_OUT);
            assertThat(report.limit()).isEqualTo("no bytes for 0.300 s = timeouts.idle");
            assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/stall", port));
            assertThat(report.trace()).contains("TIMEOUT(idle)").contains("RESPONSE_CUT");
        }
        // The stalled upstream connection is not given back to the pool.
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
    }
}
