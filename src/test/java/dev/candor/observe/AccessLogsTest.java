package dev.candor.observe;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.candor.config.AccessLogConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.message.AsynchronouslyFormattable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessLogsTest {

    @TempDir
    Path dir;

    @Test
    void closeWritesEveryLoggedEntryAsOneLineThatParsesBackEqual() throws Exception {
        Path file = dir.resolve("access.log");
        List<AccessLogEntry> logged = entries("solo", 1_000);

        AccessLog log = AccessLogs.open(new AccessLogConfig(true, file.toString()));
        logged.forEach(log::log);
        log.close();

        assertThat(log.dropped()).isZero();
        assertThat(readEntries(file)).isEqualTo(logged);
    }

    @Test
    void severalLogsInOneJvmEachWriteOnlyTheirOwnFile() throws Exception {
        List<Path> files = new ArrayList<>();
        List<AccessLog> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(dir.resolve("proxy-" + i + ".log"));
            logs.add(AccessLogs.open(new AccessLogConfig(true, files.get(i).toString())));
        }
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AccessLog log = logs.get(i);
            List<AccessLogEntry> mine = entries("proxy-" + i, 500);
            writers.add(new Thread(() -> mine.forEach(log::log)));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        logs.forEach(AccessLog::close);

        for (int i = 0; i < 3; i++) {
            assertThat(readEntries(files.get(i))).isEqualTo(entries("proxy-" + i, 500));
        }
    }

    @Test
    void appendsToAnExistingFileAndCreatesMissingDirectories() throws Exception {
        Path file = dir.resolve("logs/nested/access.log");
        AccessLog first = AccessLogs.open(new AccessLogConfig(true, file.toString()));
        first.log(entries("first", 1).get(0));
        first.close();

        AccessLog second = AccessLogs.open(new AccessLogConfig(true, file.toString()));
        second.log(entries("second", 1).get(0));
        second.close();

        assertThat(readEntries(file)).extracting(AccessLogEntry::requestId).containsExactly("first-0", "second-0");
    }

    @Test
    void aBurstBeyondTheRingBufferIsWrittenOrCountedAsDroppedNeverBlocked() throws Exception {
        Path file = dir.resolve("burst.log");
        AccessLogEntry entry = entries("burst", 1).get(0);
        int burst = 50_000;

        AccessLog log = AccessLogs.open(new AccessLogConfig(true, file.toString()));
        for (int i = 0; i < burst; i++) {
            log.log(entry);
        }
        log.close();

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize((int) (burst - log.dropped()))
                .allSatisfy(line -> assertThat(AccessLogFormat.parse(line)).isEqualTo(entry));
    }

    @Test
    void aLineLoggedAfterCloseIsDroppedAndCountedNotThrown() {
        AccessLog log = AccessLogs.open(new AccessLogConfig(true, dir.resolve("a.log").toString()));
        log.close();

        log.log(entries("late", 1).get(0));
        log.log(null);
        log.close();

        assertThat(log.dropped()).isEqualTo(2);
    }

    @Test
    void aFileThatCannotBeOpenedFailsAtOnceWithTheReason() {
        String directory = dir.toString();

        assertThatThrownBy(() -> AccessLogs.open(new AccessLogConfig(true, directory)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot open access log " + directory);
    }

    @Test
    void offGivesALogThatDropsEverythingQuietly() {
        AccessLog log = AccessLogs.open(AccessLogConfig.OFF);

        log.log(entries("off", 1).get(0));
        log.close();

        assertThat(log.dropped()).isZero();
    }

    @Test
    void consoleTargetsOpenWriteAndClose() {
        for (String target : List.of("stdout", "stderr")) {
            AccessLog log = AccessLogs.open(new AccessLogConfig(true, target));
            log.log(entries("console-" + target, 1).get(0));
            log.close();

            assertThat(log.dropped()).isZero();
        }
    }

    @Test
    void openingAnAccessLogLeavesTheGlobalLog4jContextAlone() {
        LoggerContext global = (LoggerContext) LogManager.getContext(false);
        Configuration before = global.getConfiguration();

        AccessLog log = AccessLogs.open(new AccessLogConfig(true, dir.resolve("g.log").toString()));
        log.close();

        assertThat(global.getConfiguration()).isSameAs(before);
        assertThat(global.isStarted()).isTrue();
    }

    @Test
    void entriesAreEncodedOnTheWriterThreadNotTheCaller() {
        AccessLogEntry entry = entries("m", 1).get(0);
        AccessLogMessage message = new AccessLogMessage(entry);
        StringBuilder buffer = new StringBuilder("prefix:");

        message.formatTo(buffer);

        assertThat(AccessLogMessage.class).hasAnnotation(AsynchronouslyFormattable.class);
        assertThat(buffer.toString()).isEqualTo("prefix:" + AccessLogFormat.toJson(entry));
        assertThat(message.getFormattedMessage()).isEqualTo(AccessLogFormat.toJson(entry));
    }

    private static List<AccessLogEntry> entries(String prefix, int count) {
        List<AccessLogEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(new AccessLogEntry(Instant.ofEpochMilli(1_790_000_000_000L + i), prefix + "-" + i,
                    "203.0.113." + (i % 256), "GET", "api.example.com", "/items?id=" + i + "&q=\"x\"\n",
                    "HTTP/1.1", i % 7 == 0 ? 502 : 200, i * 10L, i / 8.0, "api", "api", "10.0.0.11:8080",
                    i % 3, i % 7 == 0 ? null : 200, i % 7 == 0 ? "connection_refused" : null, null,
                    i % 2 == 0 ? 0.25 : null, null, null));
        }
        return entries;
    }

    private static List<AccessLogEntry> readEntries(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(AccessLogFormat::parse).toList();
    }
}
