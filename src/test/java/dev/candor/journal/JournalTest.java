package dev.candor.journal;

import dev.candor.config.JournalConfig;
import dev.candor.event.Event;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal against a real SQLite file: what survives, what retention deletes, and an unclean stop. */
class JournalTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static Event event(Instant time, String summary) {
        return new Event(time, Event.DRAIN, "app/127.0.0.1:1", summary, Map.of("upstream", "app"));
    }

    private static FailureReport failure(String id, Instant time, String detail) {
        return new FailureReport(id, time, 502, ErrorType.CONNECTION_REFUSED, null, "GET", "example.test", "/x",
                "all", "app", "127.0.0.1:1", detail, null, null, List.of(), "trace");
    }

    @Test
    void aRunThatNeverStoppedIsRecordedAtTheNextStartWithItsLastMinuteOfCounts() throws Exception {
        Path file = dir.resolve("j.db");
        Journal crashed = Journal.open(JournalConfig.at(file), Clock.systemUTC());
        for (int i = 0; i < 7; i++) {
            crashed.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, null);
        }
        crashed.ended("all", "app", 200, null, null);
        assertThat(crashed.flush(WAIT)).isTrue();
        // No close(): on disk this is what kill -9 leaves (the writer thread simply stops being heard of).

        try (Journal next = Journal.open(JournalConfig.at(file), Clock.systemUTC())) {
            List<JournalReader.StoredEvent> events = new JournalReader(file).events(null, null, 100);
            assertThat(events).extracting(e -> e.event().kind()).containsExactly(Event.UNCLEAN_STOP);
            Map<String, String> facts = events.get(0).event().facts();
            assertThat(events.get(0).run()).isEqualTo(next.run());
            assertThat(facts).containsEntry("run", Long.toString(crashed.run()))
                    .containsEntry("last_minute_requests", "8")
                    .containsEntry("count all app 5xx connection_refused", "7")
                    .containsEntry("count all app 2xx", "1");
        }
    }

    @Test
    void aCleanStopIsNotReportedAsUncleanAtTheNextStart() throws Exception {
        Path file = dir.resolve("j.db");
        Journal.open(JournalConfig.at(file), Clock.systemUTC()).close();
        try (Journal next = Journal.open(JournalConfig.at(file), Clock.systemUTC())) {
            assertThat(next.flush(WAIT)).isTrue();
            assertThat(new JournalReader(file).events(null, null, 100)).isEmpty();
        }
    }

    @Test
    void rowsOlderThanKeepAreDeleted() throws Exception {
        Path file = dir.resolve("j.db");
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        MovableClock clock = new MovableClock(t0);
        try (Journal j = Journal.open(new JournalConfig(true, file, Duration.ofDays(7), 0), clock)) {
            j.record(event(t0, "old"));
            j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, failure("old-1", t0, "old"));
            assertThat(j.flush(WAIT)).isTrue();
            Instant t8 = t0.plus(Duration.ofDays(8));
            clock.now.set(t8);
            j.record(event(t8, "new"));
            j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, failure("new-1", t8, "new"));
            assertThat(j.retainNow(WAIT)).isTrue();

            JournalReader reader = new JournalReader(file);
            assertThat(reader.events(null, null, 100)).extracting(e -> e.event().summary()).containsExactly("new");
            assertThat(reader.failure("old-1")).isNull();
            assertThat(reader.failure("new-1")).containsEntry("detail", "new");
        }
    }

    @Test
    void countsAreSummedIntoBucketsOfWholeMinutesByErrorType() throws Exception {
        Path file = dir.resolve("j.db");
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        MovableClock clock = new MovableClock(t0.plusSeconds(10));
        try (Journal j = Journal.open(new JournalConfig(true, file, Duration.ZERO, 0), clock)) {
            // 10:00 (two refused, one ok), 10:04 (one terminated), 10:05 (one refused, two ok), 10:12 (one ok).
            j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, null);
            j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, null);
            j.ended("all", "app", 200, null, null);
            clock.now.set(t0.plus(Duration.ofMinutes(4)).plusSeconds(30));
            j.ended("all", "app", 502, ErrorType.CONNECTION_TERMINATED, null);
            clock.now.set(t0.plus(Duration.ofMinutes(5)));
            j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, null);
            j.ended("other", "app", 200, null, null);
            j.ended("other", "app", 204, null, null);
            clock.now.set(t0.plus(Duration.ofMinutes(12)).plusSeconds(59));
            j.ended("all", "app", 200, null, null);
            assertThat(j.flush(WAIT)).isTrue();

            JournalReader reader = new JournalReader(file);
            long m = 60_000L;
            long start = t0.toEpochMilli();
            assertThat(reader.counts(start, start + 15 * m, 5 * m)).containsExactly(
                    new JournalReader.CountSum(start, "", 1),
                    new JournalReader.CountSum(start, "connection_refused", 2),
                    new JournalReader.CountSum(start, "connection_terminated", 1),
                    new JournalReader.CountSum(start + 5 * m, "", 2),
                    new JournalReader.CountSum(start + 5 * m, "connection_refused", 1),
                    new JournalReader.CountSum(start + 10 * m, "", 1));
            // Buckets start at multiples of the step, whatever the range's start; the range is of whole minutes.
            assertThat(reader.counts(start + 4 * m, start + 5 * m, 3 * m)).containsExactly(
                    new JournalReader.CountSum(start + 3 * m, "connection_terminated", 1));
            assertThat(reader.counts(start, start + 15 * m, m)).extracting(JournalReader.CountSum::bucketMs)
                    .containsOnly(start, start + 4 * m, start + 5 * m, start + 12 * m);
        }
    }

    @Test
    void pastMaxSizeTheOldestRowsGoFirst() throws Exception {
        Path file = dir.resolve("j.db");
        long maxSize = 1024 * 1024;
        Instant t0 = Instant.now().minusSeconds(3000);
        String detail = "x".repeat(2000);
        try (Journal j = Journal.open(new JournalConfig(true, file, Duration.ZERO, maxSize), Clock.systemUTC())) {
            // About 4 MB of evidence, in batches the queue takes whole.
            for (int batch = 0; batch < 10; batch++) {
                for (int i = 0; i < 200; i++) {
                    int n = batch * 200 + i;
                    j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED,
                            failure("r" + n, t0.plusSeconds(n), detail));
                }
                assertThat(j.flush(WAIT)).isTrue();
            }
            assertThat(j.retainNow(WAIT)).isTrue();
            assertThat(j.status().dropped()).isZero();

            JournalReader reader = new JournalReader(file);
            assertThat(reader.failure("r1999")).isNotNull();
            assertThat(reader.failure("r0")).isNull();
            assertThat(Files.size(file)).isLessThanOrEqualTo(maxSize + 64 * 1024);
            int kept = reader.failures(null, null, 10_000).size();
            assertThat(kept).isBetween(100, 1999);
        }
    }

    @Test
    void aJournalThatCannotBeOpenedDropsAndCountsEveryRowAndSaysWhy() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "not a directory");
        try (Journal j = Journal.open(JournalConfig.at(notADirectory.resolve("j.db")), Clock.systemUTC())) {
            j.record(event(Instant.now(), "lost"));
            j.ended("all", "app", 502, ErrorType.CONNECTION_REFUSED, failure("r1", Instant.now(), "lost"));
            assertThat(j.flush(WAIT)).isTrue();

            Journal.Status s = j.status();
            assertThat(s.writing()).isFalse();
            assertThat(s.problem()).contains("cannot write").contains("plain-file");
            assertThat(s.dropped()).isEqualTo(3);
            assertThat(s.written()).isZero();
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        try (Journal j = Journal.open(JournalConfig.at(notADirectory.resolve("j.db")), Clock.systemUTC())) {
            int offered = Journal.QUEUE * 3;
            for (int i = 0; i < offered; i++) {
                j.record(event(Instant.now(), "e" + i));
            }
            assertThat(j.flush(WAIT)).isTrue();
            // Every row is accounted for: none was written, so each one was dropped (by the queue or the writer).
            assertThat(j.status().dropped()).isEqualTo(offered);
        }
    }
}
