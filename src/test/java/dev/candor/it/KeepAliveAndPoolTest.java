package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Client keep-alive and pipelining, and the upstream connection pool (SPEC §2 pool.*). */
class KeepAliveAndPoolTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** Completes when the test lets held requests ("/slow") be answered. */
    private final CompletableFuture<Void> release = new CompletableFuture<>();

    private final TestBackend backend = cleanup.add(TestBackend.start((request, reply) -> {
        if (request.uri().startsWith("/slow")) {
            release.thenRun(() -> reply.send(200, "slow " + request.uri()));
        } else {
            reply.send(200, request.uri());
        }
    }));

    private ProxyUnderTest proxy(String topLevel, String upstream) {
        return cleanup.add(ProxyUnderTest.inFrontOf(backend, topLevel, upstream));
    }

    @Test
    void twentySequentialRequestsFromOneClientReuseOneBackendConnection() {
        ProxyUnderTest proxy = proxy("", "");
        try (RawHttp client = proxy.connect()) {
            for (int i = 0; i < 20; i++) {
                RawResponse response = client.send(RawHttp.request("GET", "/r" + i)).read();
                assertThat(response.bodyText()).isEqualTo("/r" + i);
            }
        }
        assertThat(backend.acceptedConnections()).isEqualTo(1);
        assertThat(backend.requests()).extracting(RecordedRequest::connection).containsOnly(1).hasSize(20);
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() {
        ProxyUnderTest proxy = proxy("", "");
        try (RawHttp client = proxy.connect()) {
            client.send(RawHttp.request("GET", "/p1")
                    + "POST /p2 HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello"
                    + RawHttp.request("GET", "/p3"));

            assertThat(client.read().bodyText()).isEqualTo("/p1");
            assertThat(client.read().bodyText()).isEqualTo("/p2");
            assertThat(client.read().bodyText()).isEqualTo("/p3");
        }
        List<RecordedRequest> received = backend.awaitRequests(3);
        assertThat(received).extracting(RecordedRequest::uri).containsExactly("/p1", "/p2", "/p3");
        assertThat(received.get(1).bodyText()).isEqualTo("hello");
    }

    @Test
    void anIdlePooledConnectionIsClosedAfterTheIdleTimeoutAndTheNextRequestOpensANewOne() {
        ProxyUnderTest proxy = proxy("", "pool: { idle_timeout: 300ms }");

        assertThat(proxy.get("/first").status()).isEqualTo(200);
        assertThat(backend.acceptedConnections()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);

        assertThat(proxy.get("/second").status()).isEqualTo(200);
        assertThat(backend.acceptedConnections()).isEqualTo(2);
    }

    @Test
    void withAZeroIdleTimeoutEveryRequestUsesANewBackendConnection() {
        ProxyUnderTest proxy = proxy("", "pool: { idle_timeout: 0 }");
        try (RawHttp client = proxy.connect()) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.send(RawHttp.request("GET", "/n" + i)).read().status()).isEqualTo(200);
            }
        }
        assertThat(backend.acceptedConnections()).isEqualTo(3);
        assertThat(backend.requests()).extracting(RecordedRequest::connection).containsExactly(1, 2, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
    }

    @Test
    void atMaxConnectionsASecondRequestWaitsForTheFirstAndReusesItsConnection() {
        ProxyUnderTest proxy = proxy("workers: 1", "pool: { max_connections: 1 }");
        assertSecondRequestWaitsAndSucceeds(proxy);
        assertThat(backend.acceptedConnections()).isEqualTo(1);
        assertThat(backend.requests()).extracting(RecordedRequest::connection).containsExactly(1, 1);
    }

    @Test
    void atMaxConnectionsAWaiterOnAnotherEventLoopGetsTheConnectionWhenTheFirstFinishes() {
        // Two client connections land on two different event loops of the proxy.
        ProxyUnderTest proxy = proxy("", "timeouts: { connect: 2s }\npool: { max_connections: 1 }");
        assertSecondRequestWaitsAndSucceeds(proxy);
    }

    private void assertSecondRequestWaitsAndSucceeds(ProxyUnderTest proxy) {
        try (RawHttp first = proxy.connect(); RawHttp second = proxy.connect()) {
            first.send(RawHttp.request("GET", "/slow-1"));
            backend.awaitRequest();
            second.send(RawHttp.request("GET", "/fast-2"));
            // The second request waits for the pool while the first holds the only connection.
            assertThat(backend.requests()).hasSize(1);

            release.complete(null);

            assertThat(first.read().bodyText()).isEqualTo("slow /slow-1");
            RawResponse response = second.read();
            assertThat(response.status()).as("status (Proxy-Status: %s)", response.header("Proxy-Status")).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("/fast-2");
        }
        assertThat(backend.requests()).extracting(RecordedRequest::uri).containsExactly("/slow-1", "/fast-2");
        assertThat(backend.peakOpenConnections()).isEqualTo(1);
    }

    @Test
    void atMaxConnectionsARequestThatWaitsLongerThanTheConnectTimeoutGets503ConnectionLimitReached() {
        ProxyUnderTest proxy = proxy("workers: 1", "timeouts: { connect: 300ms }\npool: { max_connections: 1 }");
        try (RawHttp first = proxy.connect()) {
            first.send(RawHttp.request("GET", "/slow-held"));
            backend.awaitRequest();

            RawResponse response = proxy.get("/fast", "Accept: application/json");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_limit_reached");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(503);
            assertThat(entry.error()).isEqualTo("connection_limit_reached");
            assertThat(entry.upstreamStatus()).isNull();

            release.complete(null);
            assertThat(first.read().status()).isEqualTo(200);
        }
        assertThat(backend.acceptedConnections()).isEqualTo(1);
    }
}
