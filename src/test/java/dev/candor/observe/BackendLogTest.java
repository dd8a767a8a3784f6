package dev.candor.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BackendLogTest {

    @TempDir
    Path dir;

    @Test
    void jsonLinesGiveTheIdTimeLevelAndMessage() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), """
                {"time":"2026-11-21T10:15:30.120Z","level":"INFO","request_id":"other","message":"fine"}
                {"timestamp":"2026-11-21T10:15:30.125+01:00","level":"ERROR","requestId":"abc-1","msg":"pool exhausted"}
                """);

        Map<String, BackendLog.Line> lines = BackendLog.linesFor(log, Set.of("abc-1"));

        assertThat(lines).containsOnlyKeys("abc-1");
        assertThat(lines.get("abc-1").time()).isEqualTo(Instant.parse("2026-11-21T09:15:30.125Z"));
        assertThat(lines.get("abc-1").text()).isEqualTo("ERROR pool exhausted");
        assertThat(lines.get("abc-1").number()).isEqualTo(2);
    }

    @Test
    void plainLinesNeedAnIsoTimestampAndTheIdAsAWholeWord() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), """
                2026-11-21 10:15:30,100 WARN [abc-10] not this one: another id that only starts the same
                no timestamp here abc-1
                2026-11-21 10:15:30,250 ERROR [abc-1] NullPointerException in OrderService
                """);

        Map<String, BackendLog.Line> lines = BackendLog.linesFor(log, Set.of("abc-1"));

        assertThat(lines.get("abc-1").time()).isEqualTo(Instant.parse("2026-11-21T10:15:30.250Z"));
        assertThat(lines.get("abc-1").text()).isEqualTo("ERROR [abc-1] NullPointerException in OrderService");
        assertThat(lines.get("abc-1").number()).isEqualTo(3);
    }
}
