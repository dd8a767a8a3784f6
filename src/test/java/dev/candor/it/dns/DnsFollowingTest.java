package dev.candor.it.dns;

import dev.candor.testing.BackendScript;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.Reply;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.handler.codec.dns.DnsRecordType;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/dns.md "Following changes": endpoint names are looked up again when their TTL runs out, new
 * requests go to the new addresses at once, requests in flight on removed ones finish, and idle pooled
 * connections to removed addresses close. Backends listen on 127.0.0.1 and 127.0.0.2 on the same port,
 * so only DNS decides which one a request reaches.
 */
class DnsFollowingTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    final TestDnsServer dns = cleanup.add(TestDnsServer.start());

    private static List<String> labels(Upstream upstream) {
        return upstream.endpoints().stream().map(Endpoint::label).toList();
    }

    @Test
    void aChangedARecordIsFollowedWithinItsTtlWithoutAFailedRequest() {
        TestBackend before = cleanup.add(TestBackend.answering("before"));
        TestBackend after = cleanup.add(TestBackend.startOn("127.0.0.2", before.port(), BackendScript.ok("after")));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: app.test:%d
                """.formatted(before.port())));

        for (int i = 0; i < 10; i++) {
            assertThat(proxy.get("/warm").bodyText()).isEqualTo("before");
        }
        assertThat(before.openConnections()).as("a pooled connection to the old address").isPositive();

        dns.a("app.test", 1, "127.0.0.2");
        long changed = System.nanoTime();
        long deadline = changed + TimeUnit.SECONDS.toNanos(5);
        int requests = 0;
        long switchedAfter = -1;
        while (System.nanoTime() < deadline) {
            RawResponse r = proxy.get("/r" + requests++);
            assertThat(r.status()).as("request %d (Proxy-Status %s)", requests, r.header("Proxy-Status")).isEqualTo(200);
            if (r.bodyText().equals("after")) {
                switchedAfter = System.nanoTime() - changed;
                break;
            }
        }
        assertThat(switchedAfter).as("the new address was used within the 5 s bound").isNotNegative();
        // TTL 1 s: the answer is asked again one second after it was obtained, so the switch takes at most
        // about that long (plus the lookup).
        assertThat(Duration.ofNanos(switchedAfter)).isLessThan(Duration.ofMillis(2500));
        for (int i = 0; i < 10; i++) {
            assertThat(proxy.get("/after" + i).bodyText()).as("every later request").isEqualTo("after");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(before.openConnections()).as("idle pooled connections to the removed address").isZero());
        assertThat(labels(proxy.server().upstreams().get("app"))).containsExactly("127.0.0.2:" + before.port());
        assertThat(proxy.server().failures().total()).isZero();
    }

    @Test
    void aRequestInFlightOnARemovedAddressFinishesAndItsConnectionIsNotReused() {
        CompletableFuture<Reply> held = new CompletableFuture<>();
        TestBackend before = cleanup.add(TestBackend.start((request, reply) -> {
            if (request.uri().equals("/slow")) {
                held.complete(reply);
            } else {
                reply.send(200, "before");
            }
        }));
        TestBackend after = cleanup.add(TestBackend.startOn("127.0.0.2", before.port(), BackendScript.ok("after")));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: app.test:%d
                """.formatted(before.port())));
        RawHttp slow = cleanup.add(proxy.connect());
        slow.send(RawHttp.request("GET", "/slow"));
        Reply reply = held.join();

        dns.a("app.test", 1, "127.0.0.2");
        Upstream app = proxy.server().upstreams().get("app");
        await().atMost(Duration.ofSeconds(5)).until(() -> labels(app).equals(List.of("127.0.0.2:" + before.port())));
        assertThat(proxy.get("/new").bodyText()).isEqualTo("after");

        reply.send(200, "finished");
        RawResponse finished = slow.read();
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.bodyText()).isEqualTo("finished");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(before.openConnections()).as("closed when its request ended, not pooled").isZero());
        assertThat(after.requests()).extracting(r -> r.uri()).containsExactly("/new");
    }

    @Test
    void aOneSecondTtlIsAskedAgainAboutOnceASecondWhateverTheTraffic() {
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: app.test:%d
                """.formatted(backend.port())));
        long start = System.nanoTime();
        int initial = dns.queries("app.test", DnsRecordType.A);

        int requests = 0;
        while (dns.queries("app.test", DnsRecordType.A) < initial + 3 && requests < 20_000) {
            assertThat(proxy.get("/r").status()).isEqualTo(200);
            requests++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int queries = dns.queries("app.test", DnsRecordType.A);

        assertThat(queries - initial).as("re-asked at all (%d requests)", requests).isGreaterThanOrEqualTo(3);
        assertThat(seconds).as("%d queries while %d requests were served", queries, requests)
                .isGreaterThanOrEqualTo(queries - initial - 1.0);
        assertThat(requests).as("requests never trigger a lookup").isGreaterThan(queries);
    }

    @Test
    void anAddressThatJoinsTheAnswerIsHealthCheckedFromThenOn() {
        TestBackend first = cleanup.add(TestBackend.answering("first"));
        TestBackend joined = cleanup.add(TestBackend.startOn("127.0.0.2", first.port(), (request, reply) ->
                reply.send(request.uri().equals("/healthz") ? 503 : 200, "joined")));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: app.test:%d
                health_check: { path: /healthz, interval: 200ms, timeout: 200ms, unhealthy_threshold: 2 }
                """.formatted(first.port())));

        dns.a("app.test", 1, "127.0.0.1", "127.0.0.2");
        Upstream app = proxy.server().upstreams().get("app");
        await().atMost(Duration.ofSeconds(5)).until(() -> app.endpoints().size() == 2);
        Endpoint newcomer = app.endpoints().stream().filter(e -> e.label().startsWith("127.0.0.2:")).findFirst().orElseThrow();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(newcomer.health().why()).startsWith("unhealthy: "));
        assertThat(joined.requests()).extracting(r -> r.uri()).contains("/healthz");
        assertThat(newcomer.health().lastProbe().ok()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(proxy.get("/" + i).bodyText()).as("only the healthy address").isEqualTo("first");
        }
    }

    @Test
    void everyAddressOfANameIsAnEndpoint() {
        TestBackend one = cleanup.add(TestBackend.answering("one"));
        TestBackend two = cleanup.add(TestBackend.startOn("127.0.0.2", one.port(), BackendScript.ok("two")));
        dns.a("app.test", 60, "127.0.0.1", "127.0.0.2");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: app.test:%d
                balancer: round_robin
                """.formatted(one.port())));

        List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bodies.add(proxy.get("/" + i).bodyText());
        }

        assertThat(bodies).containsOnly("one", "two");
        assertThat(bodies.stream().filter("one"::equals).count()).isEqualTo(5);
        assertThat(labels(proxy.server().upstreams().get("app")))
                .containsExactlyInAnyOrder("127.0.0.1:" + one.port(), "127.0.0.2:" + one.port());
        assertThat(proxy.awaitEntries(10)).extracting(e -> e.endpoint())
                .containsOnly("127.0.0.1:" + one.port(), "127.0.0.2:" + one.port());

        assertThat(proxy.server().drain("app", "127.0.0.2:" + one.port(), true)).as("one address").isTrue();
        assertThat(proxy.get("/one-left").bodyText()).isEqualTo("one");
        assertThat(proxy.server().drain("app", "app.test:" + one.port(), true)).as("the name: all its addresses").isTrue();
        assertThat(proxy.get("/none-left").status()).isEqualTo(503);
    }
}
