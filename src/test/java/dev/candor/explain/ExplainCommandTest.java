package dev.candor.explain;

import dev.candor.failure.ErrorType;
import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's contract (SPEC section 11): exit codes, Candor's own log, unreadable lines, --format, --backend-log. */
class ExplainCommandTest {

    @TempDir
    Path dir;

    private static String candorLine(String id, int status, String error, String endpoint) {
        return AccessLogFormat.toJson(new AccessLogEntry(Instant.parse("2026-12-07T13:00:00.250Z"), id, "203.0.113.9",
                "GET", "api.test", "/v1/items?id=" + id, "HTTP/1.1", status, 120, 12.5, "api", "api", endpoint, 1,
                error == null ? Integer.valueOf(status) : null, error,
                error == null ? null : "connect to " + endpoint + " refused (nothing listening?)", 0.3, null, null, null));
    }

    @Test
    void candorsOwnLogIsReadWithItsOwnParserAndJoinedToTheBackendLog() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), String.join("\n",
                candorLine("r1", 200, null, "10.0.0.11:8080"),
                candorLine("r2", 502, "connection_refused", "10.0.0.12:8080"),
                candorLine("r3", 503, null, "10.0.0.11:8080"),
                "{\"not\": \"a candor line\"",
                "") + "\n");
        Path backend = Files.writeString(dir.resolve("backend.log"),
                "2026-12-07T13:00:00.240Z ERROR r3 database is in maintenance mode\n");
        ExplainRun run = ExplainRun.of("--json", "--backend-log", backend.toString(), log.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode json = run.json();
        assertThat(json.get("unrecognized_lines").asInt()).isEqualTo(1);
        assertThat(json.get("failures")).hasSize(2);
        JsonNode refused = run.failuresFor("/v1/items?id=r2").get(0);
        assertThat(refused.get("error").asString()).isEqualTo("connection_refused");
        assertThat(refused.get("source").asString()).isEqualTo(log + ":2");
        assertThat(refused.get("advice").asString()).contains(ErrorType.CONNECTION_REFUSED.nextCheck());
        assertThat(refused.get("confirm").asString()).contains("10.0.0.12:8080");
        JsonNode own = run.failuresFor("/v1/items?id=r3").get(0);
        assertThat(own.get("error").isNull()).isTrue();
        assertThat(own.get("backend").asString()).contains("database is in maintenance mode");
        assertThat(json.get("summary").get(0).get("count").asInt()).isEqualTo(1);
    }

    @Test
    void aLogWithNoFailureExitsZero() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), candorLine("r1", 200, null, "10.0.0.11:8080") + "\n");
        ExplainRun run = ExplainRun.of(log.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("no failed requests");
    }

    @Test
    void aMissingFileOrAnUnknownFormatCannotRun() throws Exception {
        assertThat(ExplainRun.of(dir.resolve("absent.log").toString()).exitCode()).isEqualTo(3);
        ExplainRun json = ExplainRun.of("--json", dir.resolve("absent.log").toString());
        assertThat(json.exitCode()).isEqualTo(3);
        assertThat(json.json().get("could_not_run").asString()).contains("absent.log");
        assertThat(json.json().get("failures")).isEmpty();
        Path prose = Files.writeString(dir.resolve("notes.txt"), "dear diary\nthe proxy failed again\n");
        ExplainRun run = ExplainRun.of(prose.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("not a log format candor explain reads");
        assertThat(ExplainRun.of("--format", "squid", prose.toString()).exitCode()).isEqualTo(3);
    }

    @Test
    void formatRestrictsDetection() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), candorLine("r2", 502, "connection_refused", "10.0.0.12:8080") + "\n");
        assertThat(ExplainRun.of("--format", "candor", log.toString()).exitCode()).isEqualTo(2);
        assertThat(ExplainRun.of("--format", "nginx", log.toString()).exitCode()).isEqualTo(3);
    }

    @Test
    void garbageInsideARecognisedLogIsCountedNeverFatal() throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("127.0.0.1 - - [07/Dec/2026:13:00:0" + (i % 10) + " +0000] \"GET /x" + i + " HTTP/1.1\" 200 5 \"-\" \"t\"");
        }
        lines.add("\u0000\u0001 binary junk \"\"\" [");
        lines.add("127.0.0.1 - - [07/Dec/2026:13:00:09 +0000] \"GET /broken HTTP/1.1\" 502 157 \"-\" \"t\"");
        lines.add("x".repeat(2 * 1024 * 1024));
        Path log = Files.writeString(dir.resolve("access.log"), String.join("\n", lines) + "\n");
        ExplainRun run = ExplainRun.of("--json", log.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.json().get("unrecognized_lines").asInt()).isEqualTo(2);
        assertThat(run.failuresFor("/broken")).singleElement()
                .satisfies(f -> assertThat(f.get("detail").asString()).contains("pass the error log too"));
    }
}
