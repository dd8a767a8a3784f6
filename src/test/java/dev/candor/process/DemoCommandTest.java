package dev.candor.process;

import dev.candor.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code candor demo}: the first command of the README shows each kind of failure, explained. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoCommandTest {

    @TempDir
    Path dir;

    private CandorProcess candor;

    @AfterEach
    void stop() throws Exception {
        if (candor != null) {
            candor.close();
        }
    }

    @Test
    void demoAnswersEachBackendWithItsExplainedStatusAndExitsZeroOnSigterm() throws Exception {
        int port = Ports.freePort();
        int adminPort = Ports.freePort();
        candor = CandorProcess.start(dir, "demo", "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + adminPort);
        candor.awaitAccepting(port, Duration.ofSeconds(30));
        await("the dashboard's URL on stderr").atMost(Duration.ofSeconds(10))
                .until(candor::stderr, err -> err.contains("Dashboard (live health, errors and their evidence): http://127.0.0.1:" + adminPort + "/"));
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> healthy = get(http, port, "/healthy");
        assertThat(healthy.statusCode()).as(candor.diagnostics()).isEqualTo(200);
        assertThat(healthy.body()).as("the healthy backend's own body").contains("healthy backend");
        assertThat(healthy.headers().firstValue("proxy-status")).as("no Candor error on a 200").isEmpty();

        assertExplained(get(http, port, "/refused"), 502, "connection_refused");
        assertExplained(get(http, port, "/invalid"), 502, "http_protocol_error");
        assertExplained(get(http, port, "/slow"), 504, "http_response_timeout");

        // The demo logs to stdout; each request has its line with the same verdict.
        Map<String, AccessLogEntry> logged = await("four access-log lines on stdout").atMost(Duration.ofSeconds(10))
                .until(this::accessLogByUri, byUri -> byUri.size() >= 4);
        assertThat(logged.get("/healthy")).satisfies(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.error()).isNull();
        });
        assertThat(logged.get("/refused").error()).isEqualTo("connection_refused");
        assertThat(logged.get("/invalid").error()).isEqualTo("http_protocol_error");
        assertThat(logged.get("/slow").error()).isEqualTo("http_response_timeout");

        candor.terminate();
        assertThat(candor.awaitExit(Duration.ofSeconds(15))).as(candor.diagnostics()).isZero();
    }

    private void assertExplained(HttpResponse<String> response, int status, String errorType) {
        assertThat(response.statusCode()).as("%s; %s", response.uri(), candor.diagnostics()).isEqualTo(status);
        assertThat(response.headers().firstValue("proxy-status"))
                .as("Proxy-Status of %s", response.uri())
                .hasValueSatisfying(v -> assertThat(v).contains("error=" + errorType));
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, AccessLogEntry> accessLogByUri() {
        String out = candor.stdout();
        String completeLines = out.substring(0, out.lastIndexOf('\n') + 1); // the last line may be half written
        List<AccessLogEntry> entries = completeLines.lines()
                .filter(l -> l.startsWith("{"))
                .map(AccessLogFormat::parse)
                .toList();
        return entries.stream().filter(e -> e.uri() != null)
                .collect(Collectors.toMap(AccessLogEntry::uri, Function.identity(), (a, b) -> b));
    }
}
