package dev.candor.it.edge;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigLoader;
import dev.candor.observe.AccessLogEntry;
import dev.candor.server.CandorServer;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordingAccessLog;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14 "ready before serving": the listener accepts while an upstream name's first DNS lookup is still
 * out; a request that arrives then waits for the answer (bounded by dns.timeout) and gets the real outcome
 * instead of a dns_timeout no timeout caused; {@link CandorServer#notReadyReason} (GET /ready) says why
 * it is not ready until then.
 */
class ReadyBeforeServingTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private final TestDnsServer dns = cleanup.add(TestDnsServer.start());
    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));

    private CompletableFuture<CandorServer> startInBackground(int port, RecordingAccessLog log) throws Exception {
        CandorConfig config = ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:${PORT}
                workers: 1
                dns:
                  resolvers: ["${DNS}"]
                  timeout: 3s
                routes:
                  - { match: { path_prefix: /slow }, upstream: slow }
                  - { match: { path_prefix: /gone }, upstream: gone }
                upstreams:
                  slow: { endpoints: [ { address: "slow.candor.test:${BACKEND}" } ] }
                  gone: { endpoints: [ { address: "gone.candor.test:${BACKEND}" } ] }
                """, "test.yaml", null, Map.of("PORT", String.valueOf(port), "DNS", dns.address(),
                "BACKEND", String.valueOf(backend.port()))::get);
        CompletableFuture<CandorServer> started = CompletableFuture.supplyAsync(() -> {
            try {
                return CandorServer.start(config, log);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        cleanup.add(() -> started.thenAccept(CandorServer::close).join());
        return started;
    }

    @Test
    void aRequestDuringTheFirstLookupWaitsForItsAnswerInsteadOfADnsTimeout() throws Exception {
        dns.a("slow.candor.test", 60, "127.0.0.1").delay("slow.candor.test", Duration.ofMillis(1200))
                .delay("gone.candor.test", Duration.ofMillis(1200)); // NXDOMAIN, late
        int port = Ports.freePort();
        RecordingAccessLog log = new RecordingAccessLog();
        CompletableFuture<CandorServer> started = startInBackground(port, log);

        // The listener is bound before the first answers: connect as a load balancer's TCP check would.
        RawHttp slow = await().ignoreExceptions().until(() -> RawHttp.connect(new InetSocketAddress("127.0.0.1", port)),
                c -> true);
        cleanup.add(slow);
        RawHttp gone = cleanup.add(RawHttp.connect(new InetSocketAddress("127.0.0.1", port)));
        assertThat(started).as("still waiting for the first answers").isNotDone();
        RawResponse ok = slow.send(RawHttp.request("GET", "/slow")).read();
        RawResponse nx = gone.send(RawHttp.request("GET", "/gone")).read();

        assertThat(ok.status()).isEqualTo(200);
        assertThat(nx.status()).as("the real outcome: NXDOMAIN").isEqualTo(502);
        assertThat(nx.header("Proxy-Status")).startsWith("candor; error=dns_error");
        AccessLogEntry entry = log.awaitEntry(ok.header("X-Request-Id"));
        assertThat(entry.error()).isNull();
        assertThat(entry.durationMs()).as("it waited for the answer, not for dns.timeout").isLessThan(2900);
        assertThat(started.get().notReadyReason()).isNull();
    }

    @Test
    void readyOnceStartedAndNotWhileDraining() throws Exception {
        dns.a("slow.candor.test", 60, "127.0.0.1").a("gone.candor.test", 60, "127.0.0.1");
        CandorServer server = startInBackground(Ports.freePort(), new RecordingAccessLog()).get();

        assertThat(server.notReadyReason()).isNull();
        CompletableFuture.runAsync(() -> server.shutdownGracefully(Duration.ofSeconds(1)));
        await().untilAsserted(() -> assertThat(server.notReadyReason())
                .isEqualTo("draining: shutting down, in-flight requests are finishing"));
    }
}
