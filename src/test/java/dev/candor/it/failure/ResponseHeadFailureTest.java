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
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.candor.it.failure.Evidence.assertDetailedReply;
import static dev.candor.it.failure.Evidence.assertTypeOnlyReply;
import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlThrough;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §3: a connection was made and the request sent, but no usable response head came back — silence,
 * a reset, a close, or a head too large. Each on a new connection, so nothing is retried.
 */
class ResponseHeadFailureTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestBackend backend;

    private ProxyUnderTest proxyInFrontOf(BackendScript script, String topLevel, String upstream) {
        backend = cleanup.add(TestBackend.start(script));
        return cleanup.add(ProxyUnderTest.inFrontOf(backend, topLevel, upstream));
    }

    @Test
    void aBackendThatAcceptsAndNeverAnswersGets504HttpResponseTimeoutWithTheLimitInTheReport() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.hang(), "", "timeouts: { response: 300ms }");
        int port = backend.port();

        RawResponse response = proxy.get("/hang", "Accept: application/json");

        assertTypeOnlyReply(response, ErrorType.HTTP_RESPONSE_TIMEOUT, port);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(504);
        assertThat(entry.error()).isEqualTo("http_response_timeout");
        assertThat(entry.errorDetail()).isEqualTo("127.0.0.1:" + port + " sent no response header within 300ms");
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).as("a new connection was made").isNotNull();
        assertThat(entry.ttfbMs()).isNull();
        assertThat(entry.durationMs()).isBetween(290.0, 3_000.0);

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.PROXY, Signal.TIMED_OUT);
        assertThat(report.limit()).isEqualTo("no response header after 0.300 s = timeouts.response");
        assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/hang", port));
        assertThat(report.attempts()).singleElement().satisfies(a -> {
            assertThat(a.address()).isEqualTo("127.0.0.1:" + port);
            assertThat(a.connection().reused()).isFalse();
            assertThat(a.connection().closedBy()).isNull();
            assertThat(a.timings().connectMs()).isNotNull();
            assertThat(a.timings().sentMs()).isNotNull();
            assertThat(a.timings().firstByteMs()).isNull();
        });
        assertThat(report.trace()).contains("CONNECTION_NEW").contains("REQUEST_SENT").contains("TIMEOUT(response)");
        assertThat(backend.requests()).as("not sent again").hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
    }

    @Test
    void aBackendThatReadsTheRequestThenResetsGets502ConnectionTerminatedWithSignalReset() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.reset(), "errors: { expose: details }", "");
        int port = backend.port();

        RawResponse response = proxy.get("/reset", "Accept: application/json");

        AccessLogEntry entry = proxy.awaitEntry(response);
        assertDetailedReply(response, ErrorType.CONNECTION_TERMINATED, "127.0.0.1:" + port, entry.errorDetail());
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("connection_terminated");
        assertThat(entry.errorDetail()).startsWith("connection to 127.0.0.1:" + port + ": ").containsIgnoringCase("reset");
        assertThat(entry.attempts()).as("a new connection: no transparent retry").isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).isNotNull();
        assertThat(entry.ttfbMs()).isNull();

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.RESET);
        assertThat(report.limit()).isNull();
        assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/reset", port));
        assertThat(report.attempts()).singleElement().satisfies(a -> {
            assertThat(a.connection().reused()).isFalse();
            assertThat(a.connection().closedBy()).isEqualTo(Actor.UPSTREAM);
            assertThat(a.transparent()).isFalse();
        });
        assertThat(report.trace()).contains("UPSTREAM_RESET").doesNotContain("RETRY");
        assertThat(backend.requests()).hasSize(1);
    }

    @Test
    void aBackendThatReadsTheRequestThenClosesGets502ConnectionTerminatedWithSignalClosed() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.close(), "", "");
        int port = backend.port();

        RawResponse response = proxy.get("/fin", "Accept: application/json");

        assertTypeOnlyReply(response, ErrorType.CONNECTION_TERMINATED, port);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("connection_terminated");
        assertThat(entry.errorDetail())
                .isEqualTo("127.0.0.1:" + port + " closed the connection before a complete response header"
                        + " (a new connection: if that port speaks only HTTPS, set tls on upstream 'app')");
        assertThat(entry.attempts()).as("a new connection: no transparent retry").isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).isNotNull();
        assertThat(entry.ttfbMs()).isNull();

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.CLOSED);
        assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/fin", port));
        assertThat(report.attempts()).singleElement().satisfies(a -> {
            assertThat(a.connection().reused()).isFalse();
            assertThat(a.connection().closedBy()).isEqualTo(Actor.UPSTREAM);
        });
        assertThat(report.trace()).contains("UPSTREAM_CLOSED").doesNotContain("RETRY");
        assertThat(backend.requests()).hasSize(1);
    }

    @Test
    void aResponseHeaderSectionOf70KibGets502HttpResponseHeaderSectionSize() {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
        String value = "v".repeat(1_000);
        for (int i = 0; i < 70; i++) {
            head.append("X-Filler-").append(i).append(": ").append(value).append("\r\n");
        }
        String tooLarge = head.append("\r\nok").toString();
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.raw(tooLarge), "", "");
        int port = backend.port();

        RawResponse response = proxy.get("/big-head", "Accept: application/json");

        assertTypeOnlyReply(response, ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE, port);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("http_response_header_section_size");
        assertThat(entry.errorDetail()).startsWith("malformed response from 127.0.0.1:" + port + ": ");
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).as("the head was never accepted").isNull();
        assertThat(entry.connectMs()).isNotNull();

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.HEADER_TOO_LARGE);
        assertThat(report.limit()).contains("64 KiB");
        assertThat(report.confirm()).isEqualTo(curlThrough("GET", "/big-head", port));
        assertThat(report.attempts()).singleElement()
                .satisfies(a -> assertThat(a.error()).isEqualTo(ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE));
    }
}
