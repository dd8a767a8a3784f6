package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.config.AdminConfig;
import dev.candor.config.HostPort;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestWebSocketServer;
import dev.candor.testing.WsClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every admin endpoint against a running proxy with real traffic. */
class AdminApiTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private <T extends AutoCloseable> T keep(T c) {
        return cleanup.add(c);
    }

    @Test
    void statusNamesTheVersionTheConfigFileWithItsHashAndTheBoundListeners() {
        TestBackend backend = keep(TestBackend.answering("ok"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("", backend.port())));

        JsonNode status = t.json("/api/status");

        assertThat(status.get("version").asString()).isEqualTo("test");
        assertThat(status.get("uptime_s").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(status.get("config").get("file").asString()).isEqualTo(t.file().toAbsolutePath().toString());
        assertThat(status.get("config").get("sha256").asString()).isEqualTo(Reloader.hashOrNull(t.file())).hasSize(64);
        assertThat(status.get("listeners").get(0).get("bound").asString())
                .isEqualTo("127.0.0.1:" + t.address().getPort());
        assertThat(t.get("/api/status").headers().firstValue("content-type")).hasValue(Replies.JSON);
    }

    @Test
    void statusCountsAWebSocketTunnelWhileItIsOpenAndNoLongerOnceItCloses() {
        TestWebSocketServer upstream = keep(TestWebSocketServer.start());
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("", upstream.port())));
        assertThat(t.json("/api/status").get("tunnels_open").asLong()).isZero();

        WsClient client = keep(WsClient.to(t.address()).connect());
        assertThat(client.sendText("through the tunnel").awaitText()).isEqualTo("through the tunnel");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(t.json("/api/status").get("tunnels_open").asLong()).isEqualTo(1));
        assertThat(t.json("/api/status").get("client_connections").asInt())
                .as("a tunnel's client connection is still a client connection").isEqualTo(1);

        client.close(1000, "done").awaitDisconnected();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(t.json("/api/status").get("tunnels_open").asLong()).isZero());
    }

    @Test
    void upstreamsShowEachEndpointsStateWhyCountsConnectionsAndLatency() {
        TestBackend backend = keep(TestBackend.answering("ok"));
        int refusing = Ports.refusing();
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("""
                outlier_detection: { consecutive_failures: 2, base_ejection: 60s, max_ejected_percent: 50 }
                retries: { attempts: 0 }
                """, backend.port(), refusing)));
        for (int i = 0; i < 8; i++) {
            t.request("/x");
        }
        t.accessLog().awaitEntries(8);

        JsonNode app = t.json("/api/upstreams").get("upstreams").get(0);

        assertThat(app.get("name").asString()).isEqualTo("app");
        JsonNode good = endpoint(app, "127.0.0.1:" + backend.port());
        JsonNode bad = endpoint(app, "127.0.0.1:" + refusing);
        assertThat(good.get("state").asString()).isEqualTo("healthy");
        assertThat(good.get("resolved").get(0).asString()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(good.get("requests").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(good.get("idle_connections").asInt() + good.get("active_connections").asInt()).isPositive();
        assertThat(good.get("latency_ms").get("p50").asDouble()).isPositive();
        assertThat(good.get("latency_ms").get("p99").asDouble()).isGreaterThanOrEqualTo(good.get("latency_ms").get("p50").asDouble());
        assertThat(bad.get("state").asString()).isEqualTo("ejected");
        assertThat(bad.get("why").asString()).contains("ejected until").contains("consecutive failures");
        assertThat(bad.get("errors").get("connection_refused").asLong()).isEqualTo(2);
        assertThat(bad.get("ejected_until").isNull()).isFalse();
    }

    @Test
    void errorsListTheLatestFailuresNewestFirstWithEvidenceAndOneCanBeFetchedByRequestId() {
        int refusing = Ports.refusing();
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("retries: { attempts: 0 }", refusing)));
        String first = t.request("/first").headers().firstValue("x-request-id").orElseThrow();
        HttpResponse<String> second = t.request("/second");
        assertThat(second.statusCode()).isEqualTo(502);
        String secondId = second.headers().firstValue("x-request-id").orElseThrow();

        await().atMost(Duration.ofSeconds(5)).until(() -> t.json("/api/errors").get("errors").size() == 2);
        JsonNode errors = t.json("/api/errors?limit=10").get("errors");

        assertThat(errors.size()).isEqualTo(2);
        assertThat(errors.get(0).get("request_id").asString()).isEqualTo(secondId);
        assertThat(errors.get(1).get("request_id").asString()).isEqualTo(first);
        JsonNode e = errors.get(0);
        assertThat(e.get("status").asInt()).isEqualTo(502);
        assertThat(e.get("error").asString()).isEqualTo("connection_refused");
        assertThat(e.get("route").asString()).isEqualTo("all");
        assertThat(e.get("upstream").asString()).isEqualTo("app");
        assertThat(e.get("endpoint").asString()).isEqualTo("127.0.0.1:" + refusing);
        assertThat(e.get("uri").asString()).isEqualTo("/second");
        assertThat(e.get("explanation").asString()).isNotBlank();
        assertThat(e.get("attempts").get(0).get("error").asString()).isEqualTo("connection_refused");
        assertThat(e.get("attempts").get(0).get("timings_ms").has("connect")).isTrue();
        assertThat(e.get("trace").asString()).isNotBlank();
        assertThat(t.json("/api/errors?limit=1").get("errors").size()).isEqualTo(1);

        JsonNode one = t.json("/api/errors/" + first);
        assertThat(one.get("request_id").asString()).isEqualTo(first);
        assertThat(one.get("uri").asString()).isEqualTo("/first");
        assertThat(one.get("attempts").size()).isEqualTo(1);
    }

    @Test
    void anEndpointFailingItsHealthChecksShowsTheErrorTypeSinceWhenAndTheLastCheck() {
        TestBackend backend = keep(TestBackend.answering("ok"));
        int refusing = Ports.refusing();
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("""
                health_check: { type: tcp, interval: 100ms, timeout: 100ms, unhealthy_threshold: 2 }
                """, backend.port(), refusing)));
        String bad = "127.0.0.1:" + refusing;

        await().atMost(Duration.ofSeconds(5)).until(() ->
                endpoint(t.json("/api/upstreams/app"), bad).get("state").asString().equals("unhealthy"));

        JsonNode e = endpoint(t.json("/api/upstreams/app"), bad);
        assertThat(e.get("error").asString()).isEqualTo("connection_refused");
        assertThat(e.get("why").asString()).startsWith("unhealthy: connection_refused since ");
        assertThat(java.time.Instant.parse(e.get("since").asString())).isBefore(java.time.Instant.now());
        assertThat(e.get("last_check").get("ok").asBoolean()).isFalse();
        assertThat(e.get("last_check").get("error").asString()).isEqualTo("connection_refused");
        JsonNode good = endpoint(t.json("/api/upstreams/app"), "127.0.0.1:" + backend.port());
        assertThat(good.get("last_check").get("ok").asBoolean()).isTrue();
        assertThat(good.get("error").isNull()).isTrue();
        assertThat(t.json("/api/upstreams/app").get("healthy_endpoints").asInt()).isEqualTo(1);
    }

    @Test
    void aFailureThatWasRetriedListsEveryAttempt() {
        int first = Ports.refusing();
        int second = Ports.refusing();
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("""
                retries: { attempts: 1, on: [connect_failure], budget_percent: 100 }
                outlier_detection: off
                """, first, second)));
        String id = t.request("/twice").headers().firstValue("x-request-id").orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> t.get("/api/errors/" + id).statusCode() == 200);

        JsonNode attempts = t.json("/api/errors/" + id).get("attempts");

        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.get(0).get("number").asInt()).isEqualTo(1);
        assertThat(attempts.get(1).get("number").asInt()).isEqualTo(2);
        assertThat(List.of(attempts.get(0).get("endpoint").asString(), attempts.get(1).get("endpoint").asString()))
                .containsExactlyInAnyOrder("127.0.0.1:" + first, "127.0.0.1:" + second);
        assertThat(attempts.get(1).get("error").asString()).isEqualTo("connection_refused");
    }

    @Test
    void badRequestsAnswerProblemDetails() {
        TestBackend backend = keep(TestBackend.answering("ok"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("", backend.port())));

        assertProblem(t.get("/api/errors?limit=zero"), 400, "urn:candor:admin:bad-parameter");
        assertProblem(t.get("/api/errors/no-such-id"), 404, "urn:candor:admin:not-found");
        assertProblem(t.get("/api/nothing"), 404, "urn:candor:admin:not-found");
        assertProblem(t.get("/api/upstreams/nope"), 404, "urn:candor:admin:not-found");
        HttpResponse<String> wrongMethod = t.get("/api/reload");
        assertProblem(wrongMethod, 405, "urn:candor:admin:method-not-allowed");
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
        assertProblem(t.post("/api/upstreams/app/endpoints/10.9.9.9:1/drain"), 404, "urn:candor:admin:not-found");
        HttpResponse<String> crossOrigin = t.send(t.admin("/api/reload").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertProblem(crossOrigin, 403, "urn:candor:admin:cross-origin");
    }

    @Test
    void drainTakesAnEndpointOutOfRotationAndUndrainPutsItBack() {
        TestBackend a = keep(TestBackend.answering("a"));
        TestBackend b = keep(TestBackend.answering("b"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("", a.port(), b.port())));
        String address = "127.0.0.1:" + a.port();

        HttpResponse<String> drained = t.post("/api/upstreams/app/endpoints/" + address + "/drain");

        assertThat(drained.statusCode()).isEqualTo(200);
        assertThat(AdminUnderTest.parse(drained).get("state").asString()).isEqualTo("draining");
        assertThat(endpoint(t.json("/api/upstreams/app"), address).get("state").asString()).isEqualTo("draining");
        int before = a.requestHeads();
        for (int i = 0; i < 6; i++) {
            assertThat(t.request("/").body()).isEqualTo("b");
        }
        assertThat(a.requestHeads()).as("no request to the drained endpoint").isEqualTo(before);

        HttpResponse<String> back = t.post("/api/upstreams/app/endpoints/" + address + "/undrain");

        assertThat(AdminUnderTest.parse(back).get("state").asString()).isEqualTo("healthy");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(t.request("/").body());
        }
        assertThat(bodies).contains("a", "b");
    }

    @Test
    void flushClosesTheIdlePooledConnectionsOfAnUpstream() {
        TestBackend backend = keep(TestBackend.answering("ok"));
        AdminUnderTest t = keep(AdminUnderTest.start(dir, AdminUnderTest.config("", backend.port())));
        t.request("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 1);

        HttpResponse<String> flushed = t.post("/api/upstreams/app/pool/flush");

        assertThat(flushed.statusCode()).isEqualTo(200);
        assertThat(AdminUnderTest.parse(flushed).get("idle_connections_closed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
        assertThat(t.request("/").statusCode()).as("a new connection serves the next request").isEqualTo(200);
        assertThat(backend.acceptedConnections()).isEqualTo(2);
    }

    @Test
    void withATokenEveryEndpointButTheDashboardFilesNeedsIt() {
        TestBackend backend = keep(TestBackend.answering("ok"));
        String yaml = AdminUnderTest.config("", backend.port()).replace("  address: 127.0.0.1:0\nworkers",
                "  address: 127.0.0.1:0\n  token: s3cret-token\nworkers");
        AdminUnderTest withToken = keep(AdminUnderTest.start(dir, yaml, "s3cret-token"));
        Anonymous anonymous = new Anonymous(withToken);

        for (String path : List.of("/metrics", "/api/status", "/api/upstreams", "/api/errors", "/api/activity")) {
            HttpResponse<String> refused = anonymous.get(path);
            assertProblem(refused, 401, "urn:candor:admin:unauthorized");
            assertThat(refused.headers().firstValue("www-authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(withToken.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertProblem(anonymous.post("/api/reload"), 401, "urn:candor:admin:unauthorized");
        assertProblem(anonymous.post("/api/upstreams/app/pool/flush"), 401, "urn:candor:admin:unauthorized");
        HttpResponse<String> wrong = withToken.send(HttpRequest.newBuilder(withToken.adminUri("/api/status"))
                .header("Authorization", "Bearer s3cret-tokeN").build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> lowerCaseScheme = withToken.send(HttpRequest.newBuilder(withToken.adminUri("/api/status"))
                .header("Authorization", "bearer s3cret-token").build());
        assertThat(lowerCaseScheme.statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
        assertThat(anonymous.get("/").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/").body()).contains("<title>Candor</title>");
        assertThat(anonymous.get("/assets/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/assets/uPlot.LICENSE").body()).contains("MIT License");

        withToken.rewrite(yaml.replace("token: s3cret-token", "token: n3w-token"));
        assertThat(withToken.post("/api/reload").statusCode()).as("a reload rotates the token").isEqualTo(200);
        assertThat(withToken.get("/api/status").statusCode()).as("the old token").isEqualTo(401);
        assertThat(withToken.send(HttpRequest.newBuilder(withToken.adminUri("/api/status"))
                .header("Authorization", "Bearer n3w-token").build()).statusCode()).isEqualTo(200);
    }

    @Test
    void aProcessWithoutConfigFileHasNothingToReload() throws Exception {
        TestBackend backend = keep(TestBackend.answering("ok"));
        ProxyUnderTest proxy = keep(ProxyUnderTest.inFrontOf(backend));
        AdminServer admin = keep(AdminServer.start(new AdminConfig(true, new HostPort("127.0.0.1", 0), null),
                proxy.server(), new Reloader(proxy.server(), null, Map.<String, String>of()::get), "test"));

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(admin.url() + "/api/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertProblem(r, 409, "urn:candor:admin:no-config-file");
        assertThat(proxy.server().metrics().requestCount()).isZero();
    }

    /** Calls without a token. */
    private record Anonymous(AdminUnderTest t) {
        HttpResponse<String> get(String path) {
            return t.send(HttpRequest.newBuilder(t.adminUri(path)).build());
        }

        HttpResponse<String> post(String path) {
            return t.send(HttpRequest.newBuilder(t.adminUri(path)).POST(HttpRequest.BodyPublishers.noBody()).build());
        }
    }

    static JsonNode endpoint(JsonNode upstream, String address) {
        for (JsonNode e : upstream.get("endpoints")) {
            if (e.get("address").asString().equals(address)) {
                return e;
            }
        }
        throw new AssertionError("no endpoint " + address + " in " + upstream);
    }

    static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue(Replies.PROBLEM);
        JsonNode p = AdminUnderTest.parse(r);
        assertThat(p.get("type").asString()).isEqualTo(type);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asString()).isNotBlank();
        assertThat(p.get("detail").asString()).isNotBlank();
    }
}
