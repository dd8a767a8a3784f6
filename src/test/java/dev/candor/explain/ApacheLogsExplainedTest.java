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
 * The real Apache httpd (Debian's apache2, mod_proxy_http) in front of the test kit's misbehaving backends, one
 * ProxyPass per fault; its error_log and combined access log are then explained, and each request's type must
 * be the one its fault makes. Skipped without /usr/sbin/apache2, except in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApacheLogsExplainedTest {
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");

    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private Path errorLog;
    private Path accessLog;
    private ExplainRun run;

    @BeforeAll
    void produceRealLogs(@TempDir Path dir) throws Exception {
        ForeignProxy.assumeInstalled(APACHE, "apache2");
        Faults faults = new Faults(cleanup);
        int port = Ports.freePort();
        errorLog = dir.resolve("error.log");
        accessLog = dir.resolve("access.log");
        StringBuilder passes = new StringBuilder();
        for (Map.Entry<String, Integer> f : faults.ports.entrySet()) {
            passes.append("ProxyPass /").append(f.getKey()).append(" http://127.0.0.1:").append(f.getValue())
                    .append("/").append(f.getKey()).append(" retry=0 connectiontimeout=1 timeout=1\n");
        }
        Files.writeString(dir.resolve("httpd.conf"), """
                LoadModule mpm_event_module %1$s/mod_mpm_event.so
                LoadModule authz_core_module %1$s/mod_authz_core.so
                LoadModule proxy_module %1$s/mod_proxy.so
                LoadModule proxy_http_module %1$s/mod_proxy_http.so
                LoadModule proxy_balancer_module %1$s/mod_proxy_balancer.so
                LoadModule slotmem_shm_module %1$s/mod_slotmem_shm.so
                LoadModule lbmethod_byrequests_module %1$s/mod_lbmethod_byrequests.so
                ServerName 127.0.0.1
                Listen 127.0.0.1:%2$d
                PidFile %3$s/httpd.pid
                DefaultRuntimeDir %3$s
                ErrorLog %3$s/error.log
                LogLevel warn
                LogFormat "%%h %%l %%u %%t \\"%%r\\" %%>s %%b \\"%%{Referer}i\\" \\"%%{User-Agent}i\\"" combined
                CustomLog %3$s/access.log combined
                <Proxy balancer://down>
                  BalancerMember http://127.0.0.1:%4$d retry=60
                  ProxySet forcerecovery=Off
                </Proxy>
                ProxyPass /down balancer://down
                %5$s""".formatted(MODULES, port, dir, Ports.refusing(), passes));
        try (ForeignProxy httpd = ForeignProxy.start("apache2", List.of(APACHE.toString(), "-X", "-f",
                dir.resolve("httpd.conf").toString()), dir, port)) {
            for (String path : faults.ports.keySet()) {
                if (!path.equals("own503") && !path.equals("ok")) {
                    Faults.get(port, "/" + path + "?n=1");
                }
            }
            Faults.get(port, "/down?n=1"); // refused: the balancer's only worker goes into error state for 60 s
            Faults.get(port, "/down?n=2"); // so this one is not even tried
            // Apache's access log stamps the second a request began and names no upstream: a request that went
            // well (or failed upstream) in the same second as a failure of the same client could take its cause.
            // Sent last, no failure of their second is left to take.
            Faults.get(port, "/ok?n=1");
            Faults.get(port, "/own503?n=1");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(accessLog).contains("/own503?n=1"));
        }
        ExplainRun.keep("apache", errorLog, accessLog);
        run = ExplainRun.of("--json", errorLog.toString(), accessLog.toString());
    }

    private JsonNode only(String prefix) {
        List<JsonNode> found = run.failuresFor(prefix);
        assertThat(found).as("failures for %s", prefix).hasSize(1);
        return found.get(0);
    }

    private void assertType(String path, String type) {
        JsonNode f = only("/" + path + "?n=1");
        assertThat(f.get("error").asString()).as(f.toString()).isEqualTo(type);
        assertThat(f.get("source").asString()).startsWith(accessLog + ":");
    }

    @Test
    void exitsTwo() {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    }

    @Test
    void aRefusedConnectIsConnectionRefused() {
        assertType("refused", "connection_refused");
        JsonNode f = only("/refused?n=1");
        assertThat(f.get("detail").asString()).contains("(111)Connection refused").contains("AH01114");
        assertThat(f.get("upstream").asString()).isEqualTo("127.0.0.1:" + f.get("upstream").asString().split(":")[1]);
        assertThat(f.get("advice").asString()).contains("ProxyPass");
    }

    @Test
    void noHeaderWithinTheTimeoutIsAResponseTimeout() {
        assertType("slow", "http_response_timeout");
        assertThat(only("/slow?n=1").get("advice").asString()).contains("ProxyTimeout");
    }

    @Test
    void aResetOrCloseBeforeTheHeaderIsConnectionTerminated() {
        assertType("reset", "connection_terminated");
        assertType("closed", "connection_terminated");
    }

    @Test
    void aWorkerInErrorStateIsDestinationUnavailable() {
        assertThat(only("/down?n=1").get("error").asString()).isEqualTo("connection_refused");
        assertThat(only("/down?n=2").get("error").asString()).isEqualTo("destination_unavailable");
    }

    @Test
    void aCloseOrSilenceMidBodyIsIncompleteOrReadTimeoutWithTheStatusAlreadySent() {
        assertType("midbody", "http_response_incomplete");
        assertType("stall", "connection_read_timeout");
        assertThat(only("/midbody?n=1").get("status").asInt()).isEqualTo(200);
    }

    @Test
    void aSilentPortIsAConnectTimeoutAndATooBigHeaderIsTold() {
        assertType("silent", "connection_timeout");
        assertType("bighead", "http_response_header_section_size");
        assertThat(only("/bighead?n=1").get("advice").asString()).contains("ResponseFieldSize");
    }

    @Test
    void anAnswerThatIsNotHttpIsRelayedAsHttp09AndLeavesNoTrace() {
        // Apache httpd passes it on as an HTTP/0.9 answer with status 200 and logs no error: nothing to explain
        assertThat(run.failuresFor("/garbage")).isEmpty();
    }

    @Test
    void theUpstreamsOwn503IsNotAProxyFailure() {
        JsonNode f = only("/own503?n=1");
        assertThat(f.get("error").isNull()).as(f.toString()).isTrue();
        assertThat(run.failuresFor("/ok")).isEmpty();
    }
}
