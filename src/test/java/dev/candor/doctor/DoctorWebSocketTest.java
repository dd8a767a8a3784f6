package dev.candor.doctor;

import dev.candor.testing.BackendScript;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.candor.doctor.DoctorRun.error;
import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code candor doctor --url ws://…} end to end: the WebSocket handshake sent straight to scripted
 * backends on loopback and through a real proxy (or, where the proxy's answer must be one Candor gives
 * only in rare setups, a backend standing in for it at the URL), and which side the report blames.
 */
class DoctorWebSocketTest {

    @TempDir
    Path dir;

    /** Whether a request is a WebSocket opening handshake. */
    private static boolean upgrade(RecordedRequest r) {
        return "websocket".equalsIgnoreCase(r.header("Upgrade")) && r.header("Sec-WebSocket-Key") != null;
    }

    /**
     * A WebSocket server: 101 with the right accept to a handshake, 426 to a plain request (as real servers
     * answer the doctor's plain GET of section 1).
     */
    static BackendScript accepting() {
        return (request, reply) -> {
            if (!upgrade(request)) {
                reply.send(426, "upgrade required", "Sec-WebSocket-Version", "13");
                return;
            }
            reply.raw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.accept(request.header("Sec-WebSocket-Key")) + "\r\n\r\n");
        };
    }

    /** A backend that answers the handshake with this raw head, and a plain request with 426. */
    private static BackendScript switchingWith(String head) {
        return (request, reply) -> {
            if (upgrade(request)) {
                reply.raw(head);
            } else {
                reply.send(426, "upgrade required");
            }
        };
    }

    private static String config(int... backendPorts) {
        StringBuilder endpoints = new StringBuilder();
        for (int port : backendPorts) {
            endpoints.append("- address: 127.0.0.1:").append(port).append('\n');
        }
        return DoctorScenarioTest.config(endpoints.toString().stripTrailing(), "");
    }

    /** The doctor run against {@code backend} with a real proxy in front of it, for {@code ws://…/chat}. */
    private DoctorRun throughRealProxy(TestBackend backend, String upstreamExtra) {
        String yaml = DoctorScenarioTest.config("- address: 127.0.0.1:" + backend.port(), upstreamExtra);
        try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
            return DoctorRun.run(dir, yaml, "--json", "--url", "ws://127.0.0.1:" + proxy.address().getPort() + "/chat");
        }
    }

    // (a) The direct side: what the backend itself says to the handshake.

    @Test
    void aBackendThatAnswersWithTheRightAcceptPassesDirectly() {
        try (TestBackend backend = TestBackend.start(accepting())) {
            DoctorRun run = throughRealProxy(backend, "");

            JsonNode direct = run.check("websocket.direct", "127.0.0.1:" + backend.port());
            assertThat(status(direct)).isEqualTo("PASS");
            assertThat(direct.get("evidence").get("status").asInt()).isEqualTo(101);
            assertThat(direct.get("evidence").get("handshake").asString()).isEqualTo("accepted");
            assertThat(direct.get("summary").asString()).startsWith("direct: 101 Switching Protocols in ")
                    .endsWith("Sec-WebSocket-Accept fits the key");
            // The backend saw a complete version 13 handshake, and the doctor left with a close frame.
            RecordedRequest handshake = backend.requests().stream().filter(DoctorWebSocketTest::upgrade)
                    .filter(r -> r.header("Via") == null).findFirst().orElseThrow();
            assertThat(handshake.header("Connection")).isEqualTo("Upgrade");
            assertThat(handshake.header("Sec-WebSocket-Version")).isEqualTo("13");
            assertThat(handshake.uri()).isEqualTo("/chat");
        }
    }

    @Test
    void aBackendThatRefusesWith403FailsAsTheApplicationsOwnRefusalDirectlyAndThroughCandor() {
        try (TestBackend backend = TestBackend.start((request, reply) -> reply.send(403, "origin not allowed"))) {
            String yaml = config(backend.port());
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String authority = "127.0.0.1:" + proxy.address().getPort();
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", "ws://" + authority + "/chat");

                JsonNode direct = run.check("websocket.direct", "127.0.0.1:" + backend.port());
                assertThat(status(direct)).isEqualTo("FAIL");
                assertThat(error(direct)).isNull(); // the application's answer, not a Candor error
                assertThat(direct.get("summary").asString())
                        .isEqualTo("the backend itself refuses the upgrade: 403 Forbidden directly, without Candor");
                assertThat(direct.get("advice").asString()).contains("Origin")
                        .endsWith("the fix is in the application, not in Candor");
                assertThat(direct.get("confirm").asString()).isEqualTo("curl -si -g -N --max-time 5"
                        + " -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'"
                        + " -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' --connect-to '" + authority + ":127.0.0.1:"
                        + backend.port() + "' 'http://" + authority + "/chat'");

                // Through Candor the same 403 comes back: the backend refuses, both ways alike.
                JsonNode verdict = run.check("websocket.verdict", "ws://");
                assertThat(status(verdict)).isEqualTo("FAIL");
                assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("backend");
                assertThat(verdict.get("evidence").get("proxy").asString()).isEqualTo("403");
                assertThat(verdict.get("summary").asString()).isEqualTo("backend side: the backend refuses the upgrade"
                        + " itself: the endpoint answers 403 Forbidden directly, and the same through Candor");
                assertThat(verdict.get("advice").asString()).startsWith("the fix is in the application, not in Candor");
                assertThat(run.plan()).anyMatch(s -> s.startsWith("make the application behind upstreams.app accept the"
                        + " WebSocket upgrade for /chat"));
                assertThat(run.exit()).isEqualTo(2);
            }
        }
    }

    @Test
    void aBackendThatRejectsTheHandshakeWith400OrAsksFor426SaysSoWithItsStatus() {
        try (TestBackend bad = TestBackend.start((request, reply) -> reply.send(400, "missing token"));
             TestBackend old = TestBackend.start((request, reply) ->
                     reply.send(426, "version", "Sec-WebSocket-Version", "8"))) {
            DoctorRun run = DoctorRun.run(dir, config(bad.port(), old.port()), "--json", "--url",
                    "ws://127.0.0.1:" + Ports.refusing() + "/chat");

            JsonNode rejected = run.check("websocket.direct", "127.0.0.1:" + bad.port());
            assertThat(status(rejected)).isEqualTo("FAIL");
            assertThat(rejected.get("summary").asString()).contains("refuses the upgrade: 400 Bad Request directly");
            assertThat(rejected.get("advice").asString()).contains("a header it requires is missing");
            JsonNode version = run.check("websocket.direct", "127.0.0.1:" + old.port());
            assertThat(version.get("summary").asString()).contains("refuses the upgrade: 426 Upgrade Required directly");
            assertThat(version.get("evidence").get("sec_websocket_version").asString()).isEqualTo("8");
            assertThat(version.get("advice").asString()).contains("it speaks Sec-WebSocket-Version 8, the doctor asked for 13");

            JsonNode verdict = run.check("websocket.verdict", "ws://");
            assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("backend");
            assertThat(verdict.get("summary").asString()).startsWith("backend side: no endpoint accepts the upgrade directly"
                    + " (127.0.0.1:" + bad.port() + ": 400, 127.0.0.1:" + old.port() + ": 426), through Candor connection_refused");
        }
    }

    @Test
    void a101WithAWrongOrMissingAcceptOrAnotherProtocolFailsNamingWhatAClientRejects() {
        try (TestBackend wrong = TestBackend.start(switchingWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
             TestBackend missing = TestBackend.start(switchingWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     + "Connection: Upgrade\r\n\r\n"));
             TestBackend other = TestBackend.start(switchingWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
                     + "Connection: Upgrade\r\n\r\n"))) {
            DoctorRun run = DoctorRun.run(dir, config(wrong.port(), missing.port(), other.port()), "--json", "--url",
                    "ws://127.0.0.1:" + Ports.refusing() + "/chat");

            JsonNode w = run.check("websocket.direct", "127.0.0.1:" + wrong.port());
            assertThat(status(w)).isEqualTo("FAIL");
            assertThat(w.get("evidence").get("handshake").asString()).isEqualTo("wrong_accept");
            assertThat(w.get("evidence").get("sec_websocket_accept").asString()).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(w.get("summary").asString()).startsWith("direct: 101 Switching Protocols with Sec-WebSocket-Accept"
                    + " 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', where the key sent calls for '" + w.get("evidence").get("expected_accept").asString())
                    .endsWith("a client rejects it");
            assertThat(w.get("advice").asString()).contains("not Candor");

            JsonNode m = run.check("websocket.direct", "127.0.0.1:" + missing.port());
            assertThat(m.get("evidence").get("handshake").asString()).isEqualTo("missing_accept");
            assertThat(m.get("summary").asString()).isEqualTo("direct: 101 Switching Protocols without Sec-WebSocket-Accept;"
                    + " a client rejects it");

            JsonNode o = run.check("websocket.direct", "127.0.0.1:" + other.port());
            assertThat(o.get("evidence").get("handshake").asString()).isEqualTo("other_protocol");
            assertThat(o.get("summary").asString()).isEqualTo("direct: 101 Switching Protocols to 'h2c', not websocket");
            assertThat(error(o)).isEqualTo("http_upgrade_failed");
            assertThat(o.get("advice").asString()).contains("502 http_upgrade_failed");

            assertThat(run.check("websocket.verdict", "ws://").get("evidence").get("side").asString()).isEqualTo("backend");
            assertThat(run.exit()).isEqualTo(2);
        }
    }

    @Test
    void aBackendThatSwitchesToAnotherProtocolFailsDirectlyAndCandorsUpgradeFailedIsNotBlamedOnCandor() {
        try (TestBackend backend = TestBackend.start(switchingWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
                + "Connection: Upgrade\r\n\r\n"))) {
            String yaml = config(backend.port());
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "ws://127.0.0.1:" + proxy.address().getPort() + "/chat";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                assertThat(error(run.check("websocket.direct", "127.0.0.1:" + backend.port()))).isEqualTo("http_upgrade_failed");
                JsonNode through = run.check("websocket.proxy", url);
                assertThat(error(through)).isEqualTo("http_upgrade_failed");
                assertThat(through.get("evidence").get("status").asInt()).isEqualTo(502);
                JsonNode verdict = run.check("websocket.verdict", url);
                assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("backend");
                assertThat(error(verdict)).isEqualTo("http_upgrade_failed");
                assertThat(verdict.get("summary").asString()).isEqualTo("backend side: the backend's own handshake is wrong:"
                        + " the endpoint answers 101 Switching Protocols to 'h2c', not websocket directly, through Candor"
                        + " 502 Bad Gateway (http_upgrade_failed)");
            }
        }
    }

    // (b) Which side: the comparison.

    @Test
    void anUpgradeEveryEndpointAcceptsButCandorAnswersWithItsOwnErrorIsBlamedOnTheProxySide() {
        // The backend takes 600 ms to answer: the doctor waits for it, Candor gives up after 200 ms.
        try (TestBackend slow = TestBackend.start((request, reply) -> {
            BackendScript accept = accepting();
            java.util.concurrent.CompletableFuture.delayedExecutor(600, TimeUnit.MILLISECONDS)
                    .execute(() -> accept.respond(request, reply));
        })) {
            String yaml = DoctorScenarioTest.config("- address: 127.0.0.1:" + slow.port(), "")
                    .replace("response: 2s", "response: 200ms");
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "ws://127.0.0.1:" + proxy.address().getPort() + "/chat";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                assertThat(status(run.check("websocket.direct", "127.0.0.1:" + slow.port()))).isEqualTo("PASS");
                JsonNode through = run.check("websocket.proxy", url);
                assertThat(status(through)).isEqualTo("FAIL");
                assertThat(error(through)).isEqualTo("http_response_timeout");
                assertThat(through.get("summary").asString()).isEqualTo("through the proxy: no upgrade, 504 Gateway Timeout"
                        + " made by Candor (Proxy-Status error=http_response_timeout)");
                assertThat(through.get("confirm").asString()).endsWith(" 'http://127.0.0.1:" + proxy.address().getPort() + "/chat'");

                JsonNode verdict = run.check("websocket.verdict", url);
                assertThat(status(verdict)).isEqualTo("FAIL");
                assertThat(error(verdict)).isEqualTo("http_response_timeout");
                assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("proxy");
                assertThat(verdict.get("summary").asString()).startsWith("proxy side: Candor does not carry the upgrade:"
                        + " every endpoint accepts it directly, through Candor 504 Gateway Timeout");
                assertThat(verdict.get("advice").asString()).contains("Proxy-Status error=http_response_timeout")
                        .contains("compare timeouts.response with the backend's latency").contains("/api/errors/");
                assertThat(run.plan()).contains("make Candor carry the WebSocket upgrade for " + url + ": every endpoint"
                        + " accepts it directly, through Candor the answer is 504 Gateway Timeout (http_response_timeout); "
                        + dev.candor.failure.ErrorType.HTTP_RESPONSE_TIMEOUT.nextCheck());
            }
        }
    }

    @Test
    void candorsUpgradeFailedAnswerIsBlamedOnTheProxySideWithThatErrorType() {
        // Stands in for Candor at the URL, answering as the contract says Candor does when it cannot carry an upgrade.
        try (TestBackend backend = TestBackend.start(accepting());
             TestBackend candor = TestBackend.start((request, reply) -> reply.send(502, "{}",
                     "Proxy-Status", "candor; error=http_upgrade_failed", "X-Request-Id", "ws-1"))) {
            String url = "ws://127.0.0.1:" + candor.port() + "/chat";
            DoctorRun run = DoctorRun.run(dir, config(backend.port()), "--json", "--url", url);

            JsonNode verdict = run.check("websocket.verdict", url);
            assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("proxy");
            assertThat(error(verdict)).isEqualTo("http_upgrade_failed");
            assertThat(verdict.get("evidence").get("proxy_error").asString()).isEqualTo("http_upgrade_failed");
            assertThat(verdict.get("summary").asString()).isEqualTo("proxy side: Candor does not carry the upgrade: every"
                    + " endpoint accepts it directly, through Candor 502 Bad Gateway (http_upgrade_failed)");
            assertThat(verdict.get("advice").asString()).contains("/api/errors/ws-1");
        }
    }

    @Test
    void aBackendThatSeesNoUpgradeThroughCandorButAcceptsOneDirectlyMeansTheHeadersWereDropped() {
        // Stands in for a proxy that strips Upgrade and Connection: the backend's 426 to a plain GET comes back.
        try (TestBackend backend = TestBackend.start(accepting());
             TestBackend stripping = TestBackend.start((request, reply) ->
                     reply.send(426, "upgrade required", "Sec-WebSocket-Version", "13"))) {
            String url = "ws://127.0.0.1:" + stripping.port() + "/chat";
            DoctorRun run = DoctorRun.run(dir, config(backend.port()), "--json", "--url", url);

            JsonNode through = run.check("websocket.proxy", url);
            assertThat(through.get("summary").asString()).isEqualTo("through the proxy: no upgrade, 426 Upgrade Required"
                    + " (not a Candor error: the upstream's answer, relayed)");
            JsonNode verdict = run.check("websocket.verdict", url);
            assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("proxy");
            assertThat(error(verdict)).isNull();
            assertThat(verdict.get("advice").asString()).contains("without its Upgrade and Connection headers");
        }
    }

    @Test
    void oneEndpointThatRefusesWhileTheOtherAcceptsIsToBeDrained() {
        try (TestBackend good = TestBackend.start(accepting());
             TestBackend bad = TestBackend.start((request, reply) -> reply.send(404, "no such endpoint"))) {
            DoctorRun run = DoctorRun.run(dir, config(good.port(), bad.port()), "--json", "--url",
                    "ws://127.0.0.1:" + Ports.refusing() + "/chat");

            JsonNode verdict = run.check("websocket.verdict", "ws://");
            assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("one endpoint");
            assertThat(verdict.get("summary").asString()).isEqualTo("one endpoint only: 127.0.0.1:" + bad.port()
                    + " refuses the upgrade directly, 1 of 2 accept it");
            assertThat(run.plan()).anyMatch(s -> s.startsWith("drain 127.0.0.1:" + bad.port() + " of upstreams.app"));
        }
    }

    // wss://: the client side through the doctor's TLS path for https, TLS upstreams with the proxy's TLS client.

    /** A TLS listener for localhost on a fixed port (the doctor matches wss:// to it by port), and a TLS upstream. */
    private static String tlsBothWays(TestPki.Issued listener, int backendPort, TestPki ca) {
        return """
                listeners:
                  - address: 127.0.0.1:%d
                    tls:
                      certificates:
                        - { cert: %s, key: %s }
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:%d
                    tls: { ca: %s, sni: chat.internal }
                    pool: { idle_timeout: 300ms }
                """.formatted(Ports.freePort(), listener.certFile(), listener.keyFile(), backendPort, ca.caFile());
    }

    @Test
    void aWssUrlReachesCandorsTlsListenerAndATlsUpstreamIsAskedOverTls() throws Exception {
        TestPki ca = TestPki.newCa(dir, "WebSocket CA");
        TestPki.Issued listener = ca.issue("localhost").write("localhost");
        TestPki.Issued upstream = ca.issue("chat.internal").write("chat");
        try (TestBackend backend = TestBackend.startTls(
                SslContextBuilder.forServer(upstream.keys().getPrivate(), upstream.certificate()).build(),
                (request, reply) -> reply.send(403, "no"))) {
            String yaml = tlsBothWays(listener, backend.port(), ca);
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "wss://localhost:" + proxy.address().getPort() + "/chat";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                JsonNode through = run.check("websocket.proxy", url);
                assertThat(through.get("evidence").get("tls_trust").asString()).isEqualTo("listener");
                assertThat(through.get("evidence").get("certificate").asString()).contains("CN=localhost");
                assertThat(through.get("evidence").get("status").asInt()).isEqualTo(403);
                assertThat(through.get("confirm").asString()).endsWith(" 'https://localhost:" + proxy.address().getPort() + "/chat'");
                JsonNode direct = run.check("websocket.direct", "127.0.0.1:" + backend.port());
                assertThat(direct.get("summary").asString()).contains("403 Forbidden directly");
                assertThat(direct.get("confirm").asString()).contains(" --cacert '" + ca.caFile() + "' --connect-to"
                        + " 'chat.internal:443:127.0.0.1:" + backend.port() + "' -H 'Host: localhost:"
                        + proxy.address().getPort() + "' 'https://chat.internal/chat'");
                assertThat(run.check("websocket.verdict", url).get("evidence").get("side").asString()).isEqualTo("backend");
            }
        }
    }

    // (c) Through a real proxy that carries the upgrade (main since 42b6ee3, "a 101 opens a Tunnel").

    @Test
    void anUpgradeCarriedByCandorPassesOnBothSides() {
        try (TestBackend backend = TestBackend.start(accepting())) {
            String yaml = config(backend.port());
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "ws://127.0.0.1:" + proxy.address().getPort() + "/chat";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                JsonNode through = run.check("websocket.proxy", url);
                assertThat(status(through)).isEqualTo("PASS");
                assertThat(through.get("evidence").get("status").asInt()).isEqualTo(101);
                assertThat(through.get("evidence").get("handshake").asString()).isEqualTo("accepted");
                assertThat(status(run.check("websocket.direct", "127.0.0.1:" + backend.port()))).isEqualTo("PASS");
                JsonNode verdict = run.check("websocket.verdict", url);
                assertThat(status(verdict)).isEqualTo("PASS");
                assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("none");
                // The doctor's tunnel ended with its close frame, as Candor's access log saw it pass.
                var tunnel = proxy.awaitEntry(e -> "websocket".equals(e.protocol()));
                assertThat(tunnel.status()).isEqualTo(101);
                assertThat(tunnel.bytesReceived()).isEqualTo(8L);
                assertThat(tunnel.close().by()).isEqualTo("client");
                assertThat(tunnel.close().code()).isEqualTo(1000);
            }
        }
    }

    @Test
    void aWssUpgradeCarriedByCandorOverTlsOnBothLegsPasses() throws Exception {
        TestPki ca = TestPki.newCa(dir, "WebSocket CA");
        TestPki.Issued listener = ca.issue("localhost").write("localhost");
        TestPki.Issued upstream = ca.issue("chat.internal").write("chat");
        try (TestBackend backend = TestBackend.startTls(
                SslContextBuilder.forServer(upstream.keys().getPrivate(), upstream.certificate()).build(), accepting())) {
            String yaml = tlsBothWays(listener, backend.port(), ca);
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "wss://localhost:" + proxy.address().getPort() + "/chat";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                JsonNode through = run.check("websocket.proxy", url);
                assertThat(status(through)).isEqualTo("PASS");
                assertThat(through.get("evidence").get("tls_protocol").asString()).startsWith("TLSv1.");
                assertThat(status(run.check("websocket.direct", "127.0.0.1:" + backend.port()))).isEqualTo("PASS");
                assertThat(status(run.check("websocket.verdict", url))).isEqualTo("PASS");
                // The close frame went out inside TLS too.
                var tunnel = proxy.awaitEntry(e -> "websocket".equals(e.protocol()));
                assertThat(tunnel.close().by()).isEqualTo("client");
                assertThat(tunnel.close().code()).isEqualTo(1000);
            }
        }
    }
}
