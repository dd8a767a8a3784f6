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
 * The real nginx (Debian's package) in front of the test kit's misbehaving backends, one location per fault;
 * its error log and combined access log are then explained, and each request's type must be the one its
 * fault makes. Skipped without /usr/sbin/nginx, except in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxLogsExplainedTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private Path errorLog;
    private Path accessLog;
    private ExplainRun run;

    @BeforeAll
    void produceRealLogs(@TempDir Path dir) throws Exception {
        ForeignProxy.assumeInstalled(NGINX, "nginx");
        Faults faults = new Faults(cleanup);
        int port = Ports.freePort();
        errorLog = dir.resolve("error.log");
        accessLog = dir.resolve("access.log");
        Files.createDirectories(dir.resolve("tmp"));
        StringBuilder locations = new StringBuilder();
        for (Map.Entry<String, Integer> f : faults.ports.entrySet()) {
            locations.append("    location /").append(f.getKey()).append(" { proxy_pass http://127.0.0.1:")
                    .append(f.getValue()).append("; }\n");
        }
        int refusedA = Ports.refusing();
        int refusedB = Ports.refusing();
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                  access_log %1$s/access.log combined;
                  client_body_temp_path %1$s/tmp;
                  proxy_temp_path %1$s/tmp;
                  fastcgi_temp_path %1$s/tmp;
                  uwsgi_temp_path %1$s/tmp;
                  scgi_temp_path %1$s/tmp;
                  proxy_connect_timeout 1s;
                  proxy_read_timeout 1s;
                  proxy_next_upstream off;
                  upstream pair {
                    server 127.0.0.1:%2$d max_fails=1 fail_timeout=60s;
                    server 127.0.0.1:%3$d max_fails=1 fail_timeout=60s;
                  }
                  server {
                    listen 127.0.0.1:%4$d;
                    location /pair { proxy_pass http://pair; proxy_next_upstream error timeout; }
                %5$s  }
                }
                """.formatted(dir, refusedA, refusedB, port, locations));
        try (ForeignProxy nginx = ForeignProxy.start("nginx", List.of(NGINX.toString(), "-p", dir.toString(),
                "-c", dir.resolve("nginx.conf").toString(), "-e", errorLog.toString()), dir, port)) {
            for (String path : faults.ports.keySet()) {
                Faults.get(port, "/" + path + "?n=1");
            }
            Faults.get(port, "/pair?n=1"); // both servers refuse: each is marked failed
            Faults.get(port, "/pair?n=2"); // no live upstreams
            Faults.getAndHangUp(port, "/slow?gave-up=1", Duration.ofMillis(300));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(accessLog).contains("gave-up"));
        }
        ExplainRun.keep("nginx", errorLog, accessLog);
        run = ExplainRun.of("--json", errorLog.toString(), accessLog.toString());
    }

    private JsonNode only(String prefix) {
        List<JsonNode> found = run.failuresFor(prefix);
        assertThat(found).as("failures for %s", prefix).hasSize(1);
        return found.get(0);
    }

    private void assertType(String path, String type, int status) {
        JsonNode f = only("/" + path + "?n=1");
        assertThat(f.get("error").asString()).as(f.toString()).isEqualTo(type);
        assertThat(f.get("status").asInt()).as(f.toString()).isEqualTo(status);
        assertThat(f.get("source").asString()).startsWith(accessLog.toString() + ":");
    }

    @Test
    void exitsTwoAndReadsEveryLine() {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.json().get("unrecognized_lines").asInt()).isZero();
    }

    @Test
    void aRefusedConnectIsConnectionRefusedWithItsCurlCheck() {
        assertType("refused", "connection_refused", 502);
        JsonNode f = only("/refused?n=1");
        assertThat(f.get("confirm").asString()).startsWith("curl ").contains("--connect-timeout");
        assertThat(f.get("advice").asString()).contains("proxy_pass");
    }

    @Test
    void aSilentPortIsAConnectTimeout() {
        org.junit.jupiter.api.Assumptions.assumeTrue(run.failuresFor("/silent").size() > 0 || !run.out().contains("silent"),
                "no silent port on this kernel");
        assertType("silent", "connection_timeout", 504);
        assertThat(only("/silent?n=1").get("advice").asString()).contains("proxy_connect_timeout");
    }

    @Test
    void noHeaderWithinTheReadTimeoutIsAResponseTimeout() {
        assertType("slow", "http_response_timeout", 504);
        assertThat(only("/slow?n=1").get("advice").asString()).contains("proxy_read_timeout");
    }

    @Test
    void aResetOrCloseBeforeTheHeaderIsConnectionTerminated() {
        assertType("reset", "connection_terminated", 502);
        assertType("closed", "connection_terminated", 502);
        assertThat(only("/closed?n=1").get("advice").asString()).contains("keepalive_timeout");
    }

    @Test
    void aCloseOrSilenceMidBodyIsIncompleteOrReadTimeoutWithTheStatusAlreadySent() {
        assertType("midbody", "http_response_incomplete", 200);
        assertType("stall", "connection_read_timeout", 200);
    }

    @Test
    void notHttpAndATooBigHeaderAreTold() {
        // nginx relays an answer that is not HTTP/1.x as HTTP/0.9 and logs status 009: the client got garbage
        assertType("garbage", "http_protocol_error", 9);
        assertType("bighead", "http_response_header_section_size", 502);
        assertThat(only("/bighead?n=1").get("advice").asString()).contains("proxy_buffer_size");
    }

    @Test
    void theUpstreamsOwn503IsNotAProxyFailure() {
        JsonNode f = only("/own503?n=1");
        assertThat(f.get("error").isNull()).as(f.toString()).isTrue();
        assertThat(f.get("status").asInt()).isEqualTo(503);
        assertThat(run.failuresFor("/ok")).isEmpty();
    }

    @Test
    void afterEveryServerFailedTheNextRequestFindsNoLiveUpstream() {
        JsonNode first = only("/pair?n=1");
        assertThat(first.get("error").asString()).isEqualTo("connection_refused");
        assertThat(first.get("detail").asString()).contains("1 earlier failed attempt");
        assertThat(only("/pair?n=2").get("error").asString()).isEqualTo("destination_unavailable");
    }

    @Test
    void aClientThatGaveUpIsCountedApart() {
        assertThat(run.failuresFor("/slow?gave-up")).isEmpty();
        assertThat(run.json().get("client_aborts").asInt()).isEqualTo(1);
    }

    @Test
    void theSummaryCountsByTypeAndUpstream() {
        JsonNode summary = run.json().get("summary");
        assertThat(summary.size()).isGreaterThanOrEqualTo(10);
        long total = 0;
        for (JsonNode s : summary) {
            total += s.get("count").asLong();
        }
        assertThat(total).isEqualTo(run.json().get("failures").size());
    }

    @Test
    void theHumanReportGroupsAndExplains() {
        ExplainRun human = ExplainRun.of(errorLog.toString(), accessLog.toString());
        assertThat(human.exitCode()).isEqualTo(2);
        assertThat(human.out()).contains("connection_refused at 127.0.0.1:").contains("by minute:")
                .contains("made by the upstream itself").contains("nginx error log").contains("combined access log");
    }

    @Test
    void theErrorLogAloneStillExplains() {
        ExplainRun alone = ExplainRun.of("--json", errorLog.toString());
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.failuresFor("/refused?n=1")).singleElement()
                .satisfies(f -> assertThat(f.get("error").asString()).isEqualTo("connection_refused"));
    }
}
