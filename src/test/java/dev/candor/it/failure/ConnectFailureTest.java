package dev.candor.it.failure;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.candor.it.failure.Evidence.assertDetailedReply;
import static dev.candor.it.failure.Evidence.assertTypeOnlyReply;
import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlConnect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3: failures before any connection carries the request — nothing listening, the pool full, no
 * route. Each is answered by Candor itself and recorded with its cause and, where a limit was hit, both
 * numbers.
 */
class ConnectFailureTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void aClosedPortGets502ConnectionRefusedAndTheReportSaysNothingListensThere() {
        int port = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(port, "", ""));

        RawResponse response = proxy.get("/refused", "Accept: application/json");

        assertTypeOnlyReply(response, ErrorType.CONNECTION_REFUSED, port);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(entry.errorDetail())
                .startsWith("connect to 127.0.0.1:" + port + " refused: nothing listens on that address and port (");
        assertThat(entry.endpoint()).isEqualTo("127.0.0.1:" + port);
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).as("no connection was made").isNull();
        assertThat(entry.ttfbMs()).isNull();

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.status()).isEqualTo(502);
        assertThat(report.error()).isEqualTo(ErrorType.CONNECTION_REFUSED);
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.CONNECT, Actor.UPSTREAM, Signal.REFUSED);
        assertThat(report.cause().error()).as("the OS error").isNotBlank();
        assertThat(report.detail()).isEqualTo(entry.errorDetail());
        assertThat(report.limit()).isNull();
        assertThat(report.confirm()).isEqualTo(curlConnect(port));
        assertThat(report.attempts()).singleElement().satisfies(a -> {
            assertThat(a.number()).isEqualTo(1);
            assertThat(a.endpoint()).isEqualTo("127.0.0.1:" + port);
            assertThat(a.error()).isEqualTo(ErrorType.CONNECTION_REFUSED);
            assertThat(a.connection()).as("no connection was obtained").isNull();
            assertThat(a.timings().connectMs()).isNull();
            assertThat(a.transparent()).isFalse();
        });
        assertThat(report.trace()).contains("CONNECT_FAILED(REFUSED)").contains("LOCAL_REPLY(502)");
    }

    @Test
    void atMaxConnectionsARequestThatWaitsOutTheConnectTimeoutGets503WithBothNumbersInTheLimit() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        TestBackend backend = cleanup.add(TestBackend.start((request, reply) ->
                release.thenRun(() -> reply.send(200, "held " + request.uri()))));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend,
                "workers: 1\nerrors: { expose: details }",
                "timeouts: { connect: 300ms }\npool: { max_connections: 1 }"));
        int port = backend.port();

        try (RawHttp holder = proxy.connect()) {
            holder.send(RawHttp.request("GET", "/held"));
            backend.awaitRequest();

            RawResponse response = proxy.get("/second", "Accept: application/json");

            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.errorDetail()).startsWith("every connection to 127.0.0.1:" + port + " is busy (");
            assertDetailedReply(response, ErrorType.CONNECTION_LIMIT_REACHED, "127.0.0.1:" + port, entry.errorDetail());
            assertThat(entry.status()).isEqualTo(503);
            assertThat(entry.error()).isEqualTo("connection_limit_reached");
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.upstreamStatus()).isNull();
            assertThat(entry.connectMs()).isNull();
            assertThat(entry.ttfbMs()).isNull();
            assertThat(entry.durationMs()).as("waited timeouts.connect").isGreaterThanOrEqualTo(290);

            FailureReport report = awaitReport(proxy, entry.requestId());
            assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                    .containsExactly(Phase.QUEUE, Actor.PROXY, Signal.POOL_FULL);
            assertThat(report.limit())
                    .matches("1 connections? = pool\\.max_connections, waited 0\\.300 s = timeouts\\.connect");
            assertThat(report.confirm()).as("a direct request would not see the pool").isNull();
            assertThat(report.attempts()).singleElement().satisfies(a -> {
                assertThat(a.error()).isEqualTo(ErrorType.CONNECTION_LIMIT_REACHED);
                assertThat(a.connection()).isNull();
                assertThat(a.address()).isNull();
            });

            release.complete(null);
            assertThat(holder.read().bodyText()).isEqualTo("held /held");
        }
        assertThat(backend.requests()).hasSize(1);
        assertThat(backend.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void aRequestNoRouteMatchesGets404DestinationNotFoundAndNeverReachesAnUpstream() {
        TestBackend backend = cleanup.add(TestBackend.answering("never"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                routes:
                  - name: api
                    match: { path_prefix: /api/ }
                    upstream: app
                upstreams:
                  app:
                    endpoints: [ { address: "127.0.0.1:${PORT}" } ]
                """, Map.of("PORT", backend.port())));

        RawResponse response = proxy.get("/other", "Accept: application/json");

        assertTypeOnlyReply(response, ErrorType.DESTINATION_NOT_FOUND, backend.port());
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(404);
        assertThat(entry.error()).isEqualTo("destination_not_found");
        assertThat(entry.errorDetail()).isEqualTo("no route matches host 'test', path '/other', method GET");
        assertThat(entry.attempts()).isZero();
        assertThat(entry.route()).isNull();
        assertThat(entry.upstream()).isNull();
        assertThat(entry.endpoint()).isNull();
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).isNull();
        assertThat(entry.ttfbMs()).isNull();

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.ROUTE, Actor.PROXY, Signal.NO_ROUTE);
        assertThat(report.attempts()).isEmpty();
        assertThat(report.limit()).isNull();
        assertThat(report.confirm()).isNull();
        assertThat(report.trace()).contains("LOCAL_REPLY(404)").doesNotContain("ENDPOINT_PICKED");
        assertThat(backend.acceptedConnections()).isZero();
    }
}
