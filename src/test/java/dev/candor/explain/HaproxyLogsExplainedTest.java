package dev.candor.explain;

import dev.candor.testing.Cleanup;
import dev.candor.testing.ForeignProxy;
import dev.candor.testing.Ports;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real HAProxy (Debian's package) with {@code option httplog} in front of the test kit's misbehaving
 * backends, one backend section per fault; its log is then explained, and each request's type must be the one
 * its fault makes. Skipped without /usr/sbin/haproxy, except in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HaproxyLogsExplainedTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private Path log;
    private ExplainRun run;

    @BeforeAll
    void produceRealLogs(@TempDir Path dir) throws Exception {
        ForeignProxy.assumeInstalled(HAPROXY, "haproxy");
        Faults faults = new Faults(cleanup);
        int port = Ports.freePort();
        StringBuilder routing = new StringBuilder();
        StringBuilder backends = new StringBuilder();
        for (Map.Entry<String, Integer> f : faults.ports.entrySet()) {
            routing.append("  use_backend ").append(f.getKey()).append(" if { path_beg /").append(f.getKey()).append(" }\n");
            backends.append("backend ").append(f.getKey()).append("\n  server s1 127.0.0.1:").append(f.getValue()).append("\n");
        }
        Files.writeString(dir.resolve("haproxy.cfg"), """
                global
                  log stdout format raw local0
                  maxconn 256
                defaults
                  mode http
                  log global
                  option httplog
                  option dontlognull
                  option abortonclose
                  timeout connect 1s
                  timeout client 10s
                  timeout server 1s
                  retries 2
                frontend fe
                  bind 127.0.0.1:%1$d
                  use_backend down if { path_beg /down }
                %2$s
                backend down
                  server s1 127.0.0.1:%3$d check inter 100ms fall 1 rise 1
                %4$s""".formatted(port, routing, Ports.refusing(), backends));
        try (ForeignProxy haproxy = ForeignProxy.start("haproxy", List.of(HAPROXY.toString(), "-db", "-f",
                dir.resolve("haproxy.cfg").toString()), dir, port)) {
            log = dir.resolve("haproxy.out");
            for (String path : faults.ports.keySet()) {
                Faults.get(port, "/" + path + "?n=1");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> haproxy.printed().contains("is DOWN"));
            Faults.get(port, "/down?n=1");
            Faults.getAndHangUp(port, "/slow?gave-up=1", Duration.ofMillis(300));
            await().atMost(Duration.ofSeconds(5)).until(() -> haproxy.printed().contains("gave-up"));
        }
        ExplainRun.keep("haproxy", log);
        run = ExplainRun.of("--json", log.toString());
    }

    private JsonNode only(String prefix) {
        List<JsonNode> found = run.failuresFor(prefix);
        assertThat(found).as("failures for %s", prefix).hasSize(1);
        return found.get(0);
    }

    private void assertType(String path, String type) {
        JsonNode f = only("/" + path + "?n=1");
        assertThat(f.get("error").asString()).as(f.toString()).isEqualTo(type);
        assertThat(f.get("upstream").asString()).isEqualTo(path + "/s1");
        assertThat(f.get("source").asString()).startsWith(log + ":");
    }

    @Test
    void exitsTwoAndCountsHaproxysOwnMessagesAsUnreadable() {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        // the startup and health-check messages share the output with the log lines
        assertThat(run.json().get("unrecognized_lines").asInt()).isPositive();
    }

    @Test
    void aRefusedConnectAfterItsRetriesIsConnectionRefused() {
        assertType("refused", "connection_refused");
        JsonNode f = only("/refused?n=1");
        assertThat(f.get("detail").asString()).contains("SC--").contains("2 retries");
        assertThat(f.get("advice").asString()).contains("server line");
        assertThat(f.get("status").asInt()).isEqualTo(503);
    }

    @Test
    void aSilentPortIsAConnectTimeout() {
        assertType("silent", "connection_timeout");
        assertThat(only("/silent?n=1").get("advice").asString()).contains("timeout connect");
    }

    @Test
    void noHeaderWithinTimeoutServerIsAResponseTimeout() {
        assertType("slow", "http_response_timeout");
        assertThat(only("/slow?n=1").get("advice").asString()).contains("timeout server");
    }

    @Test
    void aResetOrCloseBeforeTheHeaderIsConnectionTerminated() {
        assertType("reset", "connection_terminated");
        assertType("closed", "connection_terminated");
    }

    @Test
    void aCloseOrSilenceMidBodyIsIncompleteOrReadTimeout() {
        assertType("midbody", "http_response_incomplete");
        assertType("stall", "connection_read_timeout");
        assertThat(only("/midbody?n=1").get("status").asInt()).isEqualTo(200);
    }

    @Test
    void notHttpAndATooBigHeaderAreBothAnInvalidResponseToHaproxy() {
        // HAProxy ends both with PH (the proxy rejected the response header): its log cannot tell them apart
        assertType("garbage", "http_protocol_error");
        assertType("bighead", "http_protocol_error");
        assertThat(only("/bighead?n=1").get("advice").asString()).contains("tune.bufsize");
    }

    @Test
    void aBackendWithNoServerUpIsDestinationUnavailable() {
        JsonNode f = only("/down?n=1");
        assertThat(f.get("error").asString()).isEqualTo("destination_unavailable");
        assertThat(f.get("upstream").asString()).isEqualTo("down/<NOSRV>");
    }

    @Test
    void theUpstreamsOwn503IsNotAProxyFailure() {
        JsonNode f = only("/own503?n=1");
        assertThat(f.get("error").isNull()).as(f.toString()).isTrue();
        assertThat(f.get("status").asInt()).isEqualTo(503);
        assertThat(run.failuresFor("/ok")).isEmpty();
    }

    @Test
    void aClientThatGaveUpIsCountedApart() {
        assertThat(run.failuresFor("/slow?gave-up")).isEmpty();
        assertThat(run.json().get("client_aborts").asInt()).isEqualTo(1);
    }
}
