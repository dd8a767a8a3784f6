package dev.candor.it.resilience;

import dev.candor.failure.FailureReport;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/configuration.md "pool": with {@code max_connections} busy, requests wait for a connection, but
 * never more than {@code max_pending} of them; the rest are refused at once with 503
 * {@code connection_limit_reached}, so a slow backend cannot pile requests (and memory) up in Candor.
 */
class OverloadTest {
    private static final int FLOOD = 30;
    private static final int MAX_CONNECTIONS = 2;
    private static final int MAX_PENDING = 5;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void aFloodAgainstASlowBackendGetsTwoThroughAtMostFiveWaitingAndTheRestRefusedAtOnce() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) ->
                release.thenRun(() -> reply.send(200, "done " + request.uri()))));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(slow.port()), "", """
                timeouts: { connect: 5s }
                pool: { max_connections: %d, max_pending: %d }
                """.formatted(MAX_CONNECTIONS, MAX_PENDING)));

        List<RawHttp> clients = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            RawHttp client = cleanup.add(proxy.connect());
            client.send(RawHttp.request("GET", "/f" + i, "Accept: application/json"));
            clients.add(client);
        }
        slow.awaitRequests(MAX_CONNECTIONS);
        // Everything beyond the connections and the queue is refused without waiting for the backend:
        // every request of the flood is soon either at the backend, waiting, or answered.
        AtomicInteger pending = proxy.server().upstreams().get("app").pending();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                proxy.accessLog().entries().size() + pending.get() == FLOOD - MAX_CONNECTIONS);
        List<AccessLogEntry> refused = proxy.accessLog().entries();
        int waiting = pending.get();
        assertThat(waiting).as("requests waiting for a connection").isBetween(0, MAX_PENDING);
        assertThat(refused).as("refused at once").hasSizeGreaterThanOrEqualTo(FLOOD - MAX_CONNECTIONS - MAX_PENDING);
        assertThat(slow.requests()).as("requests the backend holds").hasSize(MAX_CONNECTIONS);
        assertThat(slow.peakOpenConnections()).isEqualTo(MAX_CONNECTIONS);
        assertThat(refused).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.error()).isEqualTo("connection_limit_reached");
            assertThat(e.errorDetail()).isEqualTo("too many requests of upstream 'app' already wait for a connection");
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.durationMs()).as("refused at once, not after timeouts.connect").isLessThan(1000);
        });
        FailureReport report = await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().failures().find(refused.get(0).requestId()), Objects::nonNull);
        assertThat(report.limit()).isEqualTo(MAX_PENDING + " waiting requests = pool.max_pending");

        release.complete(null);

        int ok = 0;
        int limited = 0;
        for (RawHttp client : clients) {
            RawResponse response = client.read();
            if (response.status() == 200) {
                ok++;
                assertThat(response.bodyText()).startsWith("done /f");
            } else {
                limited++;
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_limit_reached");
            }
        }
        assertThat(limited).isEqualTo(refused.size());
        assertThat(ok).as("the two held and the ones that waited").isEqualTo(MAX_CONNECTIONS + waiting);
        assertThat(slow.requests()).hasSize(ok);
        // Candor's own count is the bound: when a connection is closed to free a slot for a request waiting
        // on another event loop, the backend may accept the new connection before it reads the old one's
        // FIN, so its own count can briefly show one more.
        assertThat(proxy.server().pools().peakOpenConnections(proxy.endpoint(slow.port())))
                .as("pool.max_connections held throughout").isEqualTo(MAX_CONNECTIONS);
        List<AccessLogEntry> all = proxy.awaitEntries(FLOOD);
        assertThat(all).hasSize(FLOOD);
        assertThat(all).filteredOn(e -> e.status() == 200).hasSize(ok);
        assertThat(proxy.server().upstreams().get("app").pending().get()).as("nothing left waiting").isZero();
        assertThat(proxy.endpoint(slow.port()).health().inFlight()).as("refused attempts left the endpoint too").isZero();

        // The refused requests left nothing behind that disturbs the pool: later requests keep one connection.
        try (RawHttp after = proxy.connect()) {
            for (int i = 0; i < 10; i++) {
                assertThat(after.send(RawHttp.request("GET", "/after-" + i)).read().status()).isEqualTo(200);
            }
        }
        assertThat(slow.requests()).filteredOn(r -> r.uri().startsWith("/after-")).extracting(RecordedRequest::connection)
                .as("backend connections used by ten sequential requests").containsOnly(
                        slow.requests().get(slow.requests().size() - 1).connection());
        assertThat(proxy.server().pools().peakOpenConnections(proxy.endpoint(slow.port()))).isEqualTo(MAX_CONNECTIONS);
    }
}
