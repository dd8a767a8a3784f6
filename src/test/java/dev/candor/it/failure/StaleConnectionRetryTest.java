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
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.Reply;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static dev.candor.it.failure.Evidence.assertDetailedReply;
import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlThrough;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * docs/errors.md "The stale keep-alive race, handled": the backend closes a keep-alive connection just as
 * the proxy reuses it — here deterministically, on the second request of each backend connection, after
 * reading it. An idempotent request is sent again once, on a fresh connection; a request that may have
 * been delivered and cannot be replayed (a POST, a body already forwarded) is answered 502 with the
 * race named in the detail. One event loop, so the second request meets the pooled connection.
 */
class StaleConnectionRetryTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** A backend that answers the first request on each connection and closes (FIN) on the second unanswered. */
    private TestBackend closingOnTheSecondRequestOfAConnection() {
        return endingTheSecondRequestOfAConnectionWith(Reply::close);
    }

    /** A backend that answers the first request on each connection and ends the connection on the second. */
    private TestBackend endingTheSecondRequestOfAConnectionWith(Consumer<Reply> end) {
        Map<Integer, AtomicInteger> perConnection = new ConcurrentHashMap<>();
        return cleanup.add(TestBackend.start((request, reply) -> {
            int nth = perConnection.computeIfAbsent(request.connection(), c -> new AtomicInteger()).incrementAndGet();
            if (nth == 1) {
                reply.send(200, "ok " + request.uri());
            } else {
                end.accept(reply); // read the request, then the keep-alive close wins the race
            }
        }));
    }

    @Test
    void aGetThatMeetsAReusedConnectionClosedUnderItIsAnsweredOnAFreshConnectionWithTwoAttempts() {
        assertGetRetriedOnAFreshConnection(closingOnTheSecondRequestOfAConnection());
    }

    @Test
    void aGetThatMeetsAReusedConnectionResetUnderItIsAnsweredOnAFreshConnectionToo() {
        assertGetRetriedOnAFreshConnection(endingTheSecondRequestOfAConnectionWith(Reply::reset));
    }

    private void assertGetRetriedOnAFreshConnection(TestBackend backend) {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1", ""));

        try (RawHttp client = proxy.connect()) {
            assertThat(client.send(RawHttp.request("GET", "/first")).read().status()).isEqualTo(200);
            RawResponse response = client.send(RawHttp.request("GET", "/second")).read();

            assertThat(response.status()).as("Proxy-Status: %s", response.header("Proxy-Status")).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("ok /second");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.error()).isNull();
            assertThat(entry.attempts()).as("the stale attempt counts").isEqualTo(2);
            assertThat(entry.upstreamStatus()).isEqualTo(200);
            assertThat(entry.connectMs()).as("the answering attempt connected afresh").isNotNull();
        }
        assertThat(backend.acceptedConnections()).isEqualTo(2);
        assertThat(backend.requests()).extracting(RecordedRequest::uri, RecordedRequest::connection)
                .containsExactly(tuple("/first", 1), tuple("/second", 1), tuple("/second", 2));
        assertThat(proxy.server().failures().total()).as("it succeeded: no failure report").isZero();
        assertThat(proxy.server().staleRetries()).as("the hidden retry is counted").isEqualTo(1);
    }

    @Test
    void aPostWithABodyThatMeetsAReusedConnectionClosedUnderItIsNotRetriedAndSaysWhy() {
        assertPostNotRetried("POST /orders HTTP/1.1\r\nHost: test\r\nAccept: application/json\r\n"
                + "Content-Length: 11\r\n\r\n{\"qty\": 1}\n");
    }

    @Test
    void aPostWithoutABodyThatMeetsAReusedConnectionClosedUnderItIsNotRetriedEither() {
        assertPostNotRetried("POST /orders HTTP/1.1\r\nHost: test\r\nAccept: application/json\r\n"
                + "Content-Length: 0\r\n\r\n");
    }

    private void assertPostNotRetried(String post) {
        TestBackend backend = closingOnTheSecondRequestOfAConnection();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1\nerrors: { expose: details }", ""));
        int port = backend.port();

        try (RawHttp client = proxy.connect()) {
            assertThat(client.send(RawHttp.request("GET", "/first")).read().status()).isEqualTo(200);
            RawResponse response = client.send(post).read();

            AccessLogEntry entry = proxy.awaitEntry(response);
            assertDetailedReply(response, ErrorType.CONNECTION_TERMINATED, "127.0.0.1:" + port, entry.errorDetail());
            assertThat(entry.status()).isEqualTo(502);
            assertThat(entry.error()).isEqualTo("connection_terminated");
            assertThat(entry.errorDetail())
                    .startsWith("127.0.0.1:" + port + " closed the connection before a complete response header")
                    .contains("reused connection (1 request before)")
                    .contains("closed by upstream")
                    .contains("not retried: POST is not idempotent");
            assertThat(entry.attempts()).as("not retried").isEqualTo(1);
            assertThat(entry.upstreamStatus()).isNull();
            assertThat(entry.connectMs()).as("a reused connection has no connect time").isNull();
            assertThat(entry.ttfbMs()).isNull();

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.method()).isEqualTo("POST");
            assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                    .containsExactly(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.CLOSED);
            assertThat(report.confirm()).isEqualTo(curlThrough("POST", "/orders", port));
            assertThat(report.attempts()).singleElement().satisfies(a -> {
                assertThat(a.connection().reused()).isTrue();
                assertThat(a.connection().requestsBefore()).isEqualTo(1);
                assertThat(a.connection().idleMillis()).isGreaterThanOrEqualTo(0);
                assertThat(a.connection().closedBy()).isEqualTo(Actor.UPSTREAM);
                assertThat(a.transparent()).isFalse();
            });
            assertThat(report.trace()).contains("CONNECTION_REUSED").contains("UPSTREAM_CLOSED").doesNotContain("RETRY");
        }
        assertThat(backend.requests()).filteredOn(r -> r.method().equals("POST")).as("the POST was delivered once").hasSize(1);
        assertThat(backend.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void withPoolMaxConnectionsOneTheRetryStillGetsTheFreshConnectionItNeeds() {
        TestBackend backend = closingOnTheSecondRequestOfAConnection();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1",
                "timeouts: { connect: 1s }\npool: { max_connections: 1 }"));

        try (RawHttp client = proxy.connect()) {
            assertThat(client.send(RawHttp.request("GET", "/first")).read().status()).isEqualTo(200);
            RawResponse response = client.send(RawHttp.request("GET", "/second")).read();

            assertThat(response.status()).as("Proxy-Status: %s", response.header("Proxy-Status")).isEqualTo(200);
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.attempts()).isEqualTo(2);
            assertThat(entry.durationMs()).as("the dead connection's slot was free at once, no wait").isLessThan(900);
        }
        assertThat(backend.peakOpenConnections()).isEqualTo(1);
    }

    @Test
    void whenTheFreshConnectionOfTheRetryIsRefusedTheReportShowsBothAttempts() {
        // A backend going down: it stops listening, then closes its keep-alive connections. Stopping waits
        // until connects are refused, so it runs off the backend's event loop.
        AtomicReference<TestBackend> self = new AtomicReference<>();
        TestBackend backend = endingTheSecondRequestOfAConnectionWith(reply -> CompletableFuture.runAsync(() -> {
            self.get().stopListening();
            reply.close();
        }));
        self.set(backend);
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1", ""));
        int port = backend.port();

        try (RawHttp client = proxy.connect()) {
            assertThat(client.send(RawHttp.request("GET", "/first")).read().status()).isEqualTo(200);
            RawResponse response = client.send(RawHttp.request("GET", "/second", "Accept: application/json")).read();

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_refused");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.error()).isEqualTo("connection_refused");
            assertThat(entry.attempts()).isEqualTo(2);
            assertThat(entry.connectMs()).isNull();

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.cause().signal()).isEqualTo(Signal.REFUSED);
            assertThat(report.confirm()).isEqualTo(Evidence.curlConnect(port));
            assertThat(report.attempts()).hasSize(2);
            assertThat(report.attempts().get(0)).satisfies(a -> {
                assertThat(a.number()).isEqualTo(1);
                assertThat(a.error()).isEqualTo(ErrorType.CONNECTION_TERMINATED);
                assertThat(a.connection().reused()).isTrue();
                assertThat(a.connection().closedBy()).isEqualTo(Actor.UPSTREAM);
                assertThat(a.transparent()).isFalse();
            });
            assertThat(report.attempts().get(1)).satisfies(a -> {
                assertThat(a.number()).isEqualTo(2);
                assertThat(a.error()).isEqualTo(ErrorType.CONNECTION_REFUSED);
                assertThat(a.connection()).isNull();
                assertThat(a.transparent()).isTrue();
            });
            assertThat(report.trace()).contains("UPSTREAM_CLOSED").contains("RETRY(stale_connection)")
                    .contains("CONNECT_FAILED(REFUSED)");
        }
    }

    @Test
    void aPutWithABodyIsNotRetriedEitherBecauseItsBodyWasAlreadyForwardedAndNotKept() {
        TestBackend backend = closingOnTheSecondRequestOfAConnection();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, "workers: 1", ""));
        int port = backend.port();

        try (RawHttp client = proxy.connect()) {
            assertThat(client.send(RawHttp.request("GET", "/first")).read().status()).isEqualTo(200);
            RawResponse response = client.send("PUT /item HTTP/1.1\r\nHost: test\r\nAccept: application/json\r\n"
                    + "Content-Length: 5\r\n\r\nhello").read();

            // A replay without the body would be a different request: Candor answers instead.
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_terminated");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.error()).isEqualTo("connection_terminated");
            assertThat(entry.errorDetail()).contains("reused connection (1 request before)").contains("closed by upstream")
                    .contains("not retried: the request body was already forwarded");
            assertThat(entry.attempts()).isEqualTo(1);
            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.confirm()).isEqualTo(curlThrough("PUT", "/item", port));
            assertThat(report.attempts()).singleElement().satisfies(a -> assertThat(a.connection().reused()).isTrue());
        }
        assertThat(backend.requests()).filteredOn(r -> r.method().equals("PUT")).singleElement()
                .satisfies(r -> assertThat(r.bodyText()).isEqualTo("hello"));
    }
}
