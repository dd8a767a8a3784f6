package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.Reply;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import io.netty.handler.codec.dns.DnsRecordType;
import dev.candor.upstream.Upstream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hot reload: validate the whole file, then swap; in-flight and keep-alive traffic never notices. */
class ReloadTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private <T extends AutoCloseable> T keep(T c) {
        return cleanup.add(c);
    }

    /** Routes /side/ to {@code sideUpstream} (spare or extra), everything else to app; app's response timeout varies. */
    private static String config(int app, String appResponseTimeout, String sideUpstream, int side) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                workers: 2
                routes:
                  - name: side
                    match: { path_prefix: /side/ }
                    upstream: %4$s
                  - name: main
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:%1$d
                    timeouts: { response: %2$s }
                  %4$s:
                    endpoints:
                      - address: 127.0.0.1:%3$d
                """.formatted(app, appResponseTimeout, side, sideUpstream);
    }

    @Test
    void anUnchangedUpstreamIsTheVerySameObjectAfterAReloadWithItsPoolAndDrainState() {
        TestBackend app = keep(TestBackend.answering("app"));
        TestBackend side = keep(TestBackend.answering("side"));
        TestBackend extra = keep(TestBackend.answering("extra"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, config(app.port(), "30s", "spare", side.port())));
        assertThat(t.request("/").body()).isEqualTo("app");
        assertThat(t.request("/side/x").body()).isEqualTo("side");
        Upstream before = t.server().upstreams().get("app");
        t.server().drain("spare", "127.0.0.1:" + side.port(), true);

        t.rewrite(config(app.port(), "30s", "extra", extra.port()));
        HttpResponse<String> reloaded = t.post("/api/reload");

        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        JsonNode body = AdminUnderTest.parse(reloaded);
        assertThat(body.get("ok").asBoolean()).isTrue();
        assertThat(body.get("upstreams").get("kept").toString()).isEqualTo("[\"app\"]");
        assertThat(body.get("upstreams").get("started").toString()).isEqualTo("[\"extra\"]");
        assertThat(body.get("upstreams").get("retired").toString()).isEqualTo("[\"spare\"]");
        assertThat(t.server().upstreams().get("app")).isSameAs(before);
        assertThat(t.server().upstreams().get("spare")).isNull();
        assertThat(t.request("/").body()).isEqualTo("app");
        assertThat(app.acceptedConnections()).as("the pooled connection to app was reused").isEqualTo(1);
        assertThat(t.request("/side/x").body()).isEqualTo("extra");
        await("the removed upstream's pool closes").atMost(Duration.ofSeconds(5))
                .until(() -> side.openConnections() == 0);

        // Back to a config naming spare again: a new object, so its drain was not carried over...
        t.rewrite(config(app.port(), "31s", "spare", side.port()));
        assertThat(t.post("/api/reload").statusCode()).isEqualTo(200);
        assertThat(t.server().upstreams().get("app")).as("app's config changed").isNotSameAs(before);
        assertThat(t.request("/side/x").body()).isEqualTo("side");
        // ...while a drain of an upstream kept across a reload stays.
        Upstream appNow = t.server().upstreams().get("app");
        t.server().drain("app", "127.0.0.1:" + app.port(), true);
        assertThat(t.post("/api/reload").statusCode()).isEqualTo(200);
        assertThat(t.server().upstreams().get("app")).isSameAs(appNow);
        assertThat(appNow.endpoints().get(0).health().isDraining()).isTrue();
    }

    @Test
    void aRequestInFlightFinishesOnTheUpstreamAReloadRemovedAndOnlyThenItsPoolCloses() throws Exception {
        TestBackend app = keep(TestBackend.answering("app"));
        CompletableFuture<Reply> held = new CompletableFuture<>();
        TestBackend spare = keep(TestBackend.start((request, reply) -> held.complete(reply)));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, config(app.port(), "30s", "spare", spare.port())));
        CompletableFuture<HttpResponse<String>> inFlight = t.http().sendAsync(
                HttpRequest.newBuilder(t.proxyUri("/side/slow")).build(), HttpResponse.BodyHandlers.ofString());
        Reply reply = held.get(10, TimeUnit.SECONDS);

        t.rewrite(config(app.port(), "30s", "extra", app.port()));
        assertThat(t.post("/api/reload").statusCode()).isEqualTo(200);
        assertThat(t.request("/side/new").body()).as("new requests use the new config").isEqualTo("app");
        assertThat(spare.openConnections()).as("the removed upstream's busy connection stays").isEqualTo(1);

        reply.send(200, "finished on the old config");

        HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("finished on the old config");
        await("the retired pool closes its connection").atMost(Duration.ofSeconds(5))
                .until(() -> spare.openConnections() == 0);
    }

    @Test
    void aKeptUpstreamKeepsItsDnsAnswersAndANewOnesNamesAreLookedUpBeforeTheSwap() {
        TestDnsServer dns = keep(TestDnsServer.start());
        TestBackend app = keep(TestBackend.answering("app"));
        TestBackend extra = keep(TestBackend.answering("extra"));
        dns.a("app.test", 300, "127.0.0.1").a("extra.test", 300, "127.0.0.1");
        String base = """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                workers: 2
                dns:
                  resolvers: ["%s"]
                  timeout: 300ms
                routes:
                  - name: side
                    match: { path_prefix: /side/ }
                    upstream: %s
                  - name: main
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: app.test:%d
                  %s:
                    endpoints:
                      - address: %s
                """;
        AdminUnderTest t = keep(AdminUnderTest.start(dir, base.formatted(dns.address(), "spare", app.port(), "spare",
                "127.0.0.1:" + app.port())));
        assertThat(t.request("/").body()).isEqualTo("app");
        Upstream before = t.server().upstreams().get("app");
        int appLookups = dns.queries("app.test", DnsRecordType.A);

        t.rewrite(base.formatted(dns.address(), "extra", app.port(), "extra", "extra.test:" + extra.port()));
        assertThat(t.post("/api/reload").statusCode()).isEqualTo(200);

        HttpResponse<String> first = t.request("/side/x");
        assertThat(first.statusCode()).as("no dns_timeout: %s", first.headers().firstValue("proxy-status"))
                .isEqualTo(200);
        assertThat(first.body()).isEqualTo("extra");
        assertThat(t.server().upstreams().get("app")).isSameAs(before);
        assertThat(dns.queries("app.test", DnsRecordType.A)).as("the kept upstream's answer was not asked again")
                .isEqualTo(appLookups);
        JsonNode extraEndpoint = t.json("/api/upstreams/extra").get("endpoints").get(0);
        assertThat(extraEndpoint.get("configured").asString()).isEqualTo("extra.test:" + extra.port());
        assertThat(extraEndpoint.get("resolved").get(0).asString()).isEqualTo("127.0.0.1:" + extra.port());
        assertThat(t.get("/metrics").body()).contains("candor_dns_lookups_total");
    }

    @Test
    void anInvalidFileAnswers400WithEveryErrorLocatedAndChangesNothing() {
        TestBackend app = keep(TestBackend.answering("app"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, config(app.port(), "30s", "spare", app.port())));
        var running = t.server().config();
        String hash = t.reloader().hash();
        t.rewrite(config(app.port(), "30 parsecs", "spare", app.port()).replace("workers: 2", "workers: 2\ncolour: blue")
                .replace("upstream: app", "upstream: nowhere"));

        HttpResponse<String> refused = t.post("/api/reload");

        AdminApiTest.assertProblem(refused, 400, "urn:candor:admin:invalid-config");
        List<String> errors = new ArrayList<>();
        AdminUnderTest.parse(refused).get("errors").forEach(e -> errors.add(e.asString()));
        String file = t.file().toString();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).startsWith(file + ":6:1: unknown key 'colour'");
        assertThat(errors.get(1)).startsWith(file + ":12:15: routes[1].upstream: ").contains("nowhere");
        assertThat(errors.get(2)).startsWith(file + ":17:27: upstreams.app.timeouts.response: ");
        assertThat(t.server().config()).isSameAs(running);
        assertThat(t.reloader().hash()).isEqualTo(hash);
        assertThat(t.request("/").statusCode()).isEqualTo(200);
        JsonNode last = t.json("/api/status").get("config").get("last_reload");
        assertThat(last.get("ok").asBoolean()).isFalse();
        assertThat(last.get("errors").size()).isEqualTo(3);
    }

    @Test
    void aShorterTimeoutAppliesAtOnceToKeepAliveConnectionsOpenedBeforeTheReload() {
        TestBackend app = keep(TestBackend.start((request, reply) -> {
            if (request.uri().startsWith("/hang")) {
                reply.hang();
            } else {
                reply.send(200, "app");
            }
        }));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, config(app.port(), "30s", "spare", app.port())));
        RawHttp client = keep(RawHttp.connect(t.address()));
        assertThat(client.send(RawHttp.request("GET", "/before")).read().status()).isEqualTo(200);

        assertThat(t.reload(config(app.port(), "200ms", "spare", app.port())).statusCode()).isEqualTo(200);

        // Before the fix, the connection's deadline checks kept the old config's spacing (here the 10 s
        // header_read_timeout) and the 504 came seconds late; 5 s is far above 200 ms and far below that.
        RawResponse timedOut = client.readTimeout(Duration.ofSeconds(5)).send(RawHttp.request("GET", "/hang")).read();
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.header("Proxy-Status")).contains("error=http_response_timeout");
    }

    @Test
    void aChangeThatNeedsARestartIsRefusedByName() {
        TestBackend app = keep(TestBackend.answering("app"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, config(app.port(), "30s", "spare", app.port())));
        t.rewrite(config(app.port(), "30s", "spare", app.port()).replace("workers: 2", "workers: 3")
                .replace("  - address: 127.0.0.1:0\nadmin", "  - address: 127.0.0.1:1\nadmin"));

        HttpResponse<String> refused = t.post("/api/reload");

        AdminApiTest.assertProblem(refused, 400, "urn:candor:admin:invalid-config");
        String errors = AdminUnderTest.parse(refused).get("errors").toString();
        assertThat(errors).contains(":2:3: listeners: cannot change on reload; restart Candor")
                .contains(":5:10: workers: cannot change on reload");
    }

    @Test
    void twentyReloadsUnderLoadThatReplaceAddAndRemoveUpstreamsFailNoRequest() throws Exception {
        TestBackend app = keep(TestBackend.answering("app"));
        TestBackend spare = keep(TestBackend.answering("spare"));
        TestBackend extra = keep(TestBackend.answering("extra"));
        List<String> configs = List.of(
                config(app.port(), "30s", "spare", spare.port()),
                config(app.port(), "31s", "spare", spare.port()),   // app replaced by a new object
                config(app.port(), "31s", "extra", extra.port()));  // spare removed, extra added
        AdminUnderTest t = keep(AdminUnderTest.start(dir, configs.get(0)));
        Load load = keep(new Load(t, 4));

        for (int i = 1; i <= 20; i++) {
            long before = load.ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() >= before + 40);
            t.rewrite(configs.get(i % configs.size()));
            HttpResponse<String> r = t.post("/api/reload");
            assertThat(r.statusCode()).as("reload %d: %s", i, r.body()).isEqualTo(200);
        }
        long atLastReload = load.ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() >= atLastReload + 40);
        load.close();

        assertThat(load.failures).as("requests that failed while reloading").isEmpty();
        assertThat(load.ok.get()).isGreaterThan(800);
        // 20 % 3 == 2: the last config routes /side/ to extra; spare's pool closed once its requests ended.
        assertThat(t.request("/side/x").body()).isEqualTo("extra");
        await("spare's connections closed").atMost(Duration.ofSeconds(10)).until(() -> spare.openConnections() == 0);
        JsonNode last = t.json("/api/status").get("config").get("last_reload");
        assertThat(last.get("ok").asBoolean()).isTrue();
        assertThat(t.get("/metrics").body()).contains("candor_config_reloads_total{result=\"success\"} 20.0");
    }

    @Test
    void theWatcherReloadsWhenTheFileChangesAndTriesABrokenFileOnce() {
        TestBackend app = keep(TestBackend.answering("app"));
        TestBackend spare = keep(TestBackend.answering("spare"));
        TestBackend extra = keep(TestBackend.answering("extra"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, config(app.port(), "30s", "spare", spare.port())));
        keep(ConfigWatcher.start(t.reloader(), Duration.ofMillis(50)));

        t.rewrite(config(app.port(), "30s", "extra", extra.port()));

        await().atMost(Duration.ofSeconds(5)).until(() -> t.request("/side/x").body().equals("extra"));
        // The new routes serve as soon as the context is swapped, a moment before the reload's result is kept.
        await().atMost(Duration.ofSeconds(5)).until(() -> t.reloader().last() != null);
        assertThat(t.reloader().last().trigger()).isEqualTo("file change");
        t.rewrite("routes: [");
        await().atMost(Duration.ofSeconds(5)).until(() -> !t.reloader().last().ok());
        Reloader.Result broken = t.reloader().last();
        t.rewrite("routes: [");  // same content again: no new attempt
        assertThat(t.request("/side/x").body()).isEqualTo("extra");
        t.rewrite(config(app.port(), "30s", "spare", spare.port()));
        await().atMost(Duration.ofSeconds(5)).until(() -> t.request("/side/x").body().equals("spare"));
        assertThat(broken.problems()).isNotEmpty();
    }

    /** Clients sending GETs on keep-alive connections until closed, half to /, half to /side/. */
    static final class Load implements AutoCloseable {
        final AtomicLong ok = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load(AdminUnderTest t, int clients) {
            for (int c = 0; c < clients; c++) {
                String path = c % 2 == 0 ? "/" : "/side/x";
                Thread thread = new Thread(() -> {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    HttpRequest request = HttpRequest.newBuilder(t.proxyUri(path)).timeout(Duration.ofSeconds(10)).build();
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(path + " -> " + r.statusCode() + " " + r.headers().firstValue("proxy-status").orElse(""));
                            }
                        } catch (Exception e) {
                            failures.add(path + " -> " + e);
                        }
                    }
                }, "load-" + c);
                thread.start();
                threads.add(thread);
            }
        }

        @Override
        public void close() {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
