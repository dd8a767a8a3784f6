package dev.candor.doctor;

import dev.candor.it.failure.Iptables;
import dev.candor.it.failure.SilentListener;
import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogFormat;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.candor.doctor.DoctorRun.error;
import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One end-to-end investigation per classic cause of a 502, each against real backends (or their
 * absence) on loopback and a real config file, through the real command line: the JSON verdict of the
 * checks that matter, the exit status and the plan.
 */
class DoctorScenarioTest {

    @TempDir
    Path dir;

    static String config(String endpoints, String upstreamExtra) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                %s
                    timeouts: { connect: 300ms, response: 2s }
                    pool: { idle_timeout: 300ms }
                %s
                """.formatted(endpoints.indent(6).stripTrailing(), upstreamExtra.indent(4).stripTrailing());
    }

    @Test
    void aBackendThatIsDownIsRefusedAndThePlanStartsItBeforeFlushingThePools() {
        int port = Ports.refusing();
        DoctorRun run = DoctorRun.run(dir, config("- address: 127.0.0.1:" + port, ""), "--json");

        JsonNode tcp = run.check("backend.tcp", "127.0.0.1:" + port);
        assertThat(status(tcp)).isEqualTo("FAIL");
        assertThat(error(tcp)).isEqualTo("connection_refused");
        assertThat(tcp.get("evidence").get("connection_refused").asInt()).isEqualTo(5);
        assertThat(tcp.get("summary").asString()).contains("nothing listens on port " + port);
        assertThat(tcp.get("confirm").asString()).contains("curl").contains("127.0.0.1:" + port);
        // A refusal is an answer: the network path itself is fine.
        assertThat(status(run.check("network.path", "127.0.0.1:" + port))).isEqualTo("PASS");
        assertThat(run.plan().get(0)).isEqualTo("start the backend on 127.0.0.1:" + port + ": nothing listens there");
        assertThat(run.plan().get(run.plan().size() - 1)).startsWith("restart order: bring the backend up first");
        assertThat(run.verdict()).isEqualTo("FAIL");
        assertThat(run.exit()).isEqualTo(2);
    }

    @Test
    void aWrongPortIsFoundWhereTheOtherEndpointsOfTheUpstreamListen() {
        try (TestBackend first = TestBackend.answering("one");
             TestBackend second = onIpv6Loopback(first.port())) {
            int wrong = Ports.refusing();
            DoctorRun run = DoctorRun.run(dir, config("- address: 127.0.0.1:" + first.port()
                    + "\n- address: \"[::1]:" + wrong + "\"", ""), "--json");

            JsonNode tcp = run.check("backend.tcp", "[::1]:" + wrong);
            assertThat(status(tcp)).isEqualTo("FAIL");
            assertThat(error(tcp)).isEqualTo("connection_refused");
            assertThat(tcp.get("evidence").get("listening_nearby").asString()).isEqualTo("[::1]:" + first.port());
            assertThat(tcp.get("advice").asString()).contains("upstreams.app.endpoints[1]")
                    .contains("has the wrong port or address and should say [::1]:" + first.port());
            assertThat(status(run.check("backend.tcp", "127.0.0.1:" + first.port()))).isEqualTo("PASS");
            assertThat(status(run.check("backend.response", "127.0.0.1:" + first.port()))).isEqualTo("PASS");
            assertThat(run.plan().get(0)).startsWith("correct upstreams.app.endpoints[1] to [::1]:" + first.port()
                    + " if that is the service it means ([::1]:" + wrong + " refuses connections");
            assertThat(run.exit()).isEqualTo(2);
        }
    }

    /** A second backend on [::1] and the same port; skips the test on a host without IPv6 loopback. */
    private static TestBackend onIpv6Loopback(int port) {
        try {
            return TestBackend.startOn("::1", port, (r, reply) -> reply.send(200, "two"));
        } catch (RuntimeException e) {
            Assumptions.assumeTrue(false, "no IPv6 loopback here: " + e);
            throw e;
        }
    }

    @Test
    void aPortWhoseSynsGoUnansweredIsReportedAsFiltered() {
        SilentListener silent = SilentListener.open();
        Assumptions.assumeTrue(silent != null, "this kernel completes every handshake: no unanswered SYNs without root");
        try (silent) {
            DoctorRun run = DoctorRun.run(dir, config("- address: 127.0.0.1:" + silent.port(), ""), "--json");

            JsonNode tcp = run.check("backend.tcp", "127.0.0.1:" + silent.port());
            assertThat(status(tcp)).isEqualTo("FAIL");
            assertThat(error(tcp)).isEqualTo("connection_timeout");
            assertThat(tcp.get("summary").asString()).contains("unanswered within 300ms");
            JsonNode path = run.check("network.path", "127.0.0.1:" + silent.port());
            assertThat(status(path)).isEqualTo("FAIL");
            assertThat(path.get("summary").asString()).startsWith("filtered:");
            assertThat(path.get("evidence").get("loss_percent").asInt()).isEqualTo(100);
            assertThat(path.get("advice").asString()).contains("firewall");
            assertThat(run.plan()).anyMatch(s -> s.startsWith("open port " + silent.port()));
            assertThat(run.exit()).isEqualTo(2);
        }
    }

    @Test
    void aNameThatDoesNotResolveFailsWithTheRcodeTheResolverAndADigCommand() {
        try (TestDnsServer dns = TestDnsServer.start();
             TestBackend backend = TestBackend.answering("ok")) {
            dns.a("ok.candor.test", 30, "127.0.0.1");
            String yaml = "dns:\n  resolvers: [" + dns.address() + "]\n" + config("""
                    - address: ok.candor.test:%d
                    - address: gone.candor.test:%d""".formatted(backend.port(), backend.port()), "");
            DoctorRun run = DoctorRun.run(dir, yaml, "--json");

            JsonNode gone = run.check("backend.dns", "gone.candor.test");
            assertThat(status(gone)).isEqualTo("FAIL");
            assertThat(error(gone)).isEqualTo("dns_error");
            assertThat(gone.get("evidence").get("rcode").asString()).isEqualTo("NXDOMAIN");
            assertThat(gone.get("evidence").get("resolver").asString()).isEqualTo(dns.address());
            String port = dns.address().substring(dns.address().indexOf(':') + 1);
            assertThat(gone.get("confirm").asString()).isEqualTo("dig @'127.0.0.1' -p '" + port
                    + "' 'gone.candor.test' A 'gone.candor.test' AAAA");
            JsonNode ok = run.check("backend.dns", "ok.candor.test");
            assertThat(status(ok)).isEqualTo("PASS");
            assertThat(ok.get("evidence").get("ttl_s").asLong()).isEqualTo(30);
            assertThat(status(run.check("backend.response", "ok.candor.test"))).isEqualTo("PASS");
            assertThat(run.plan().get(0)).startsWith("make gone.candor.test resolve from the proxy host");
            assertThat(run.exit()).isEqualTo(2);
        }
    }

    @Test
    void aBackendSlowerThanTheResponseTimeoutWarnsWithBothNumbers() {
        try (TestBackend slow = TestBackend.start((request, reply) -> CompletableFuture.delayedExecutor(600, TimeUnit.MILLISECONDS)
                .execute(() -> reply.send(200, "late")))) {
            String yaml = config("- address: 127.0.0.1:" + slow.port(), "").replace("response: 2s", "response: 300ms");
            DoctorRun run = DoctorRun.run(dir, yaml, "--json");

            JsonNode t = run.check("config.timeouts", "127.0.0.1:" + slow.port());
            assertThat(status(t)).isEqualTo("WARN");
            assertThat(error(t)).isEqualTo("http_response_timeout");
            assertThat(t.get("evidence").get("timeouts.response").asString()).isEqualTo("300ms");
            assertThat(t.get("evidence").get("observed_ms").asDouble()).isGreaterThanOrEqualTo(600);
            assertThat(t.get("summary").asString()).matches("the backend took \\d+\\.\\d ms to answer; "
                    + "upstreams.app.timeouts.response is 300ms: the proxy gives up first \\(504\\)");
            assertThat(run.plan()).anyMatch(s -> s.matches("raise upstreams.app.timeouts.response from 300ms to at least \\d+s: the"
                    + " backend took \\d+\\.\\d ms for /"));
            assertThat(run.verdict()).isEqualTo("WARN");
            assertThat(run.exit()).isEqualTo(1);
        }
    }

    @Test
    void aBackendClosingIdleConnectionsBeforeThePoolDoesWarnsNamingBothValues() {
        try (TestBackend backend = TestBackend.start((request, reply) -> reply.send(200, "ok")
                .closeWhenIdleFor(Duration.ofMillis(400)))) {
            String yaml = config("- address: 127.0.0.1:" + backend.port(), "").replace("idle_timeout: 300ms", "idle_timeout: 3s");
            DoctorRun run = DoctorRun.run(dir, yaml, "--json");

            JsonNode idle = run.check("config.pool_idle", "127.0.0.1:" + backend.port());
            assertThat(status(idle)).isEqualTo("WARN");
            assertThat(error(idle)).isEqualTo("connection_terminated");
            assertThat(idle.get("evidence").get("pool.idle_timeout").asString()).isEqualTo("3s");
            assertThat(idle.get("evidence").get("backend_idle_close_ms").asDouble()).isBetween(350.0, 2_500.0);
            assertThat(idle.get("summary").asString()).matches("the backend closed an idle connection after \\d+\\.\\d s,"
                    + " but upstreams.app.pool.idle_timeout is 3s: pooled connections outlive the backend's keep-alive");
            assertThat(run.plan()).anyMatch(s -> s.startsWith("lower upstreams.app.pool.idle_timeout from 3s to "));
            assertThat(run.exit()).isEqualTo(1);
        }
    }

    @Test
    void anAdvertisedKeepAliveTimeoutBelowThePoolIdleTimeoutWarnsWithoutWaiting() {
        try (TestBackend backend = TestBackend.start((request, reply) -> reply.send(200, "ok", "Keep-Alive", "timeout=1"))) {
            String yaml = config("- address: 127.0.0.1:" + backend.port(), "").replace("idle_timeout: 300ms", "idle_timeout: 1s");
            DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--idle-watch", "200ms");

            JsonNode idle = run.check("config.pool_idle", "127.0.0.1:" + backend.port());
            assertThat(status(idle)).isEqualTo("WARN");
            assertThat(idle.get("summary").asString()).startsWith("the backend advertises Keep-Alive: timeout=1, but"
                    + " upstreams.app.pool.idle_timeout is 1s");
            assertThat(run.exit()).isEqualTo(1);
        }
    }

    @Test
    void aHealthyUpstreamPassesEveryCheckAndExitsZero() {
        try (TestBackend backend = TestBackend.answering("fine")) {
            DoctorRun run = DoctorRun.run(dir, config("- address: 127.0.0.1:" + backend.port(),
                    "health_check: { path: /healthz, interval: 5s, timeout: 1500ms }"), "--json");

            assertThat(run.json().get("checks")).allMatch(c -> status(c).equals("PASS"));
            assertThat(status(run.check("backend.health", "127.0.0.1:" + backend.port()))).isEqualTo("PASS");
            assertThat(run.plan()).isEmpty();
            assertThat(run.exit()).isZero();
        }
    }

    @Test
    void aRouteToTheWrongUpstreamIsBlamedOnTheProxySideWhenTheRightBackendAnswersDirectly() {
        try (TestBackend api = TestBackend.start((r, reply) -> reply.send(200, "{\"items\":[]}", "Content-Type", "application/json"));
             TestBackend legacy = TestBackend.start((r, reply) -> reply.send(404, "no such page", "Content-Type", "text/plain"))) {
            String yaml = """
                    listeners:
                      - address: 127.0.0.1:0
                    routes:
                      - name: api
                        match: { path_prefix: /v1/ }
                        upstream: legacy
                      - name: web
                        upstream: legacy
                    upstreams:
                      api:
                        endpoints:
                          - address: 127.0.0.1:%d
                        pool: { idle_timeout: 300ms }
                      legacy:
                        endpoints:
                          - address: 127.0.0.1:%d
                        pool: { idle_timeout: 300ms }
                    """.formatted(api.port(), legacy.port());
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                String url = "http://127.0.0.1:" + proxy.address().getPort() + "/v1/items";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                assertThat(run.check("config.route", url).get("evidence").get("upstream").asString()).isEqualTo("legacy");
                assertThat(status(run.check("bypass.proxy", url))).isEqualTo("FAIL");
                assertThat(run.check("bypass.proxy", url).get("evidence").get("status").asInt()).isEqualTo(404);
                JsonNode verdict = run.check("bypass.verdict", url);
                assertThat(status(verdict)).isEqualTo("FAIL");
                assertThat(verdict.get("evidence").get("side").asString()).isEqualTo("proxy");
                assertThat(verdict.get("evidence").get("answers_well").asString())
                        .isEqualTo("api 127.0.0.1:" + api.port() + " -> 200");
                assertThat(verdict.get("summary").asString()).isEqualTo("proxy side: the route picks upstream legacy,"
                        + " but api is the one that serves this request");
                // candor check's own warning says the same from the config alone.
                assertThat(run.check("config.check", "candor.yaml").get("evidence").get("warnings").get(0).asString())
                        .isEqualTo("upstreams.api is not used by any route");
                assertThat(run.plan()).anyMatch(s -> s.startsWith("point route api at upstream api"));
                assertThat(run.exit()).isEqualTo(2);
            }
        }
    }

    @Test
    void theAccessLogAndTheBackendLogAreJoinedByRequestId() throws Exception {
        Path backendLog = dir.resolve("backend.log");
        List<String> backendLines = new ArrayList<>();
        try (TestBackend backend = TestBackend.start((request, reply) -> {
            if (request.uri().startsWith("/orders")) {
                synchronized (backendLines) {
                    backendLines.add(Instant.now() + " ERROR [" + request.header("X-Request-Id")
                            + "] OrderService: NullPointerException while pricing the cart");
                }
                reply.reset();
            } else {
                reply.send(200, "ok");
            }
        })) {
            String yaml = config("- address: 127.0.0.1:" + backend.port(), "");
            List<AccessLogEntry> entries;
            try (ProxyUnderTest proxy = ProxyUnderTest.start(yaml, Map.of())) {
                proxy.get("/orders/1", "X-Request-Id: order-1");
                proxy.get("/orders/2", "X-Request-Id: order-2");
                proxy.get("/", "X-Request-Id: home-1");
                entries = proxy.awaitEntries(3);
            }
            Path accessLog = dir.resolve("access.log");
            Files.write(accessLog, entries.stream().map(AccessLogFormat::toJson).toList());
            synchronized (backendLines) {
                Files.write(backendLog, backendLines);
            }
            DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--access-log", accessLog.toString(),
                    "--backend-log", backendLog.toString());

            JsonNode access = run.check("logs.access", "access.log");
            assertThat(status(access)).isEqualTo("WARN");
            assertThat(error(access)).isEqualTo("connection_terminated");
            assertThat(access.get("evidence").get("failed").asInt()).isEqualTo(2);
            assertThat(access.get("evidence").get("by_error").get("connection_terminated").asInt()).isEqualTo(2);
            assertThat(access.get("evidence").get("by_endpoint").get("127.0.0.1:" + backend.port()).asInt()).isEqualTo(2);
            JsonNode joined = run.check("logs.correlation", "backend.log");
            assertThat(status(joined)).isEqualTo("WARN");
            assertThat(joined.get("evidence").get("matched").asInt()).isEqualTo(2);
            assertThat(joined.get("summary").asString()).matches("2 of 2 failed requests joined by request id; order-1:"
                    + " the backend logged \"ERROR \\[order-1\\] OrderService: NullPointerException while pricing the cart\""
                    + " \\d+\\.\\d ms before the proxy saw connection_terminated \\(backend log line 1\\)");
            assertThat(run.exit()).isEqualTo(1);
        }
    }

    @Test
    void anEndpointThatIsCandorsOwnListenerIsALoop() {
        String yaml = """
                listeners:
                  - address: 127.0.0.1:%d
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:%<d
                    timeouts: { connect: 300ms }
                """.formatted(Ports.refusing());
        DoctorRun run = DoctorRun.run(dir, yaml, "--json");

        JsonNode endpoints = run.check("config.endpoints", "upstreams.app");
        assertThat(status(endpoints)).isEqualTo("FAIL");
        assertThat(endpoints.get("summary").asString()).endsWith("a loop");
        assertThat(run.exit()).isEqualTo(2);
    }

    @Test
    void aFirewallThatDropsSynsIsReportedAsFilteredWithIptables() {
        Iptables.assumeUsable("a firewall dropping SYNs");
        try (TestBackend backend = TestBackend.answering("behind the firewall")) {
            List<String> rule = Iptables.loopbackRule(backend.port(), "-j", "DROP");
            Iptables.add(rule);
            try {
                DoctorRun run = DoctorRun.run(dir, config("- address: 127.0.0.1:" + backend.port(), ""), "--json");

                assertThat(error(run.check("backend.tcp", "127.0.0.1:" + backend.port()))).isEqualTo("connection_timeout");
                JsonNode path = run.check("network.path", "127.0.0.1:" + backend.port());
                assertThat(status(path)).isEqualTo("FAIL");
                assertThat(path.get("summary").asString()).isEqualTo("filtered: 2/2 SYNs unanswered");
                assertThat(path.get("confirm").asString()).isEqualTo("nc -vz -w 3 127.0.0.1 " + backend.port());
                assertThat(run.exit()).isEqualTo(2);
            } finally {
                Iptables.delete(rule);
            }
        }
    }

    @Test
    void anIcmpUnreachableIsReportedAsNoRouteWithTheCommandThatShowsTheRoute() {
        Iptables.assumeUsable("an ICMP host-unreachable");
        int port = Ports.refusing();
        List<String> rule = Iptables.loopbackRule(port, "-j", "REJECT", "--reject-with", "icmp-host-unreachable");
        Iptables.add(rule);
        try {
            DoctorRun run = DoctorRun.run(dir, config("- address: 127.0.0.1:" + port, ""), "--json");

            JsonNode tcp = run.check("backend.tcp", "127.0.0.1:" + port);
            assertThat(status(tcp)).isEqualTo("FAIL");
            assertThat(error(tcp)).isEqualTo("destination_ip_unroutable");
            assertThat(tcp.get("summary").asString()).isEqualTo("no route to 127.0.0.1:" + port);
            JsonNode path = run.check("network.path", "127.0.0.1:" + port);
            assertThat(path.get("summary").asString()).startsWith("unreachable:");
            assertThat(path.get("confirm").asString()).isEqualTo("ip route get 127.0.0.1");
            assertThat(run.plan().get(0)).startsWith("fix the route from the proxy host to 127.0.0.1:" + port);
            assertThat(run.exit()).isEqualTo(2);
        } finally {
            Iptables.delete(rule);
        }
    }
}
