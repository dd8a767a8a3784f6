package dev.candor.process;

import dev.candor.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The access log written to a file by a real proxy process: one complete SPEC section 4 line per request. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AccessLogFileTest {
    private static final int REQUESTS = 50;
    /** SPEC section 4: every field, always present, null when it does not apply. */
    private static final List<String> FIELDS = List.of("time", "request_id", "client_ip", "method", "host", "uri",
            "protocol", "status", "bytes_sent", "duration_ms", "route", "upstream", "endpoint", "attempts",
            "upstream_status", "error", "error_detail", "connect_ms", "ttfb_ms", "cache");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private TestBackend backend;
    private CandorProcess candor;

    @AfterEach
    void stop() throws Exception {
        try {
            if (candor != null) {
                candor.close();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Test
    void fiftyRequestsGiveFiftyCompleteParseableLines() throws Exception {
        backend = TestBackend.start((request, body, out) -> {
            byte[] text = ("you asked for " + request.startLine() + "\n").getBytes(StandardCharsets.US_ASCII);
            HttpWire.writeAscii(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + text.length + "\r\n\r\n");
            out.write(text);
        });
        int port = Ports.freePort();
        Path accessLog = dir.resolve("logs/access.log");
        Path config = CandorYaml.proxy(port, backend.port()).accessLog(accessLog).writeTo(dir);
        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items/" + i + "?q=" + i))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("request %d; %s", i, candor.diagnostics()).isEqualTo(200);
            responses.add(response);
        }

        List<String> lines = await("one access-log line per request").atMost(Duration.ofSeconds(10))
                .until(() -> completeLines(accessLog), l -> l.size() >= REQUESTS);
        assertThat(lines).hasSize(REQUESTS);
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.propertyNames()).as(line).containsAll(FIELDS);
        }
        Map<String, AccessLogEntry> byUri = lines.stream().map(AccessLogFormat::parse)
                .collect(Collectors.toMap(AccessLogEntry::uri, Function.identity()));
        for (int i = 0; i < REQUESTS; i++) {
            AccessLogEntry e = byUri.get("/items/" + i + "?q=" + i);
            assertThat(e).as("line for request %d in %s", i, lines).isNotNull();
            assertThat(e.requestId()).as("request_id is the X-Request-Id the client got")
                    .isEqualTo(responses.get(i).headers().firstValue("x-request-id").orElse(null));
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.protocol()).isEqualTo("HTTP/1.1");
            assertThat(e.clientIp()).isEqualTo("127.0.0.1");
            assertThat(e.host()).isEqualTo("127.0.0.1:" + port);
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.upstreamStatus()).isEqualTo(200);
            assertThat(e.upstream()).isEqualTo("backend");
            assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + backend.port());
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.error()).isNull();
            assertThat(e.errorDetail()).isNull();
            assertThat(e.bytesSent()).as("at least the body").isGreaterThanOrEqualTo(responses.get(i).body().length());
            assertThat(e.durationMs()).isGreaterThanOrEqualTo(0.0);
            assertThat(e.ttfbMs()).isNotNull();
        }
    }

    /** The lines written so far, without a last line that is still being written. */
    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
    }
}
