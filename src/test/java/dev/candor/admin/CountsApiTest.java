package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /api/counts}: the journal's per-minute counts by error type, bucketed and bounded, for the dashboard. */
class CountsApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private static long sum(JsonNode series) {
        long n = 0;
        for (JsonNode v : series) {
            n += v.asLong();
        }
        return n;
    }

    @Test
    void realFailuresAreCountedInTheBucketOfTheMinuteTheyHappenedByErrorType() throws Exception {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config(
                "retries: { attempts: 0 }\noutlier_detection: off", app.port(), Ports.refusing())));
        int refused = 0;
        int ok = 0;
        for (int i = 0; i < 8; i++) {
            int status = t.request("/").statusCode();
            refused += status == 502 ? 1 : 0;
            ok += status == 200 ? 1 : 0;
        }
        assertThat(refused).isPositive();
        assertThat(ok).isPositive();
        int failures = refused;
        int all = refused + ok;
        // The counts reach the file every 5 s; a flush writes them now.
        await().untilAsserted(() -> {
            assertThat(t.server().journal().flush(WAIT)).isTrue();
            JsonNode counts = t.json("/api/counts?since=10m&step=1m");
            assertThat(counts.get("step_s").asLong()).isEqualTo(60);
            JsonNode time = counts.get("time");
            assertThat(time.size()).isBetween(10, 11);
            assertThat(counts.get("requests").size()).isEqualTo(time.size());
            // Bucket starts are whole minutes, one minute apart, the last one holding now.
            for (int i = 0; i < time.size(); i++) {
                assertThat(time.get(i).asLong() % 60).isZero();
                if (i > 0) {
                    assertThat(time.get(i).asLong() - time.get(i - 1).asLong()).isEqualTo(60);
                }
            }
            assertThat(Instant.ofEpochSecond(time.get(time.size() - 1).asLong()))
                    .isBetween(Instant.now().minusSeconds(120), Instant.now());
            JsonNode refusedSeries = counts.get("errors").get("connection_refused");
            assertThat(refusedSeries).isNotNull();
            assertThat(refusedSeries.size()).isEqualTo(time.size());
            assertThat(sum(refusedSeries)).isEqualTo(failures);
            assertThat(sum(counts.get("requests"))).isEqualTo(all);
            assertThat(counts.get("journal").asString()).endsWith("candor-journal.db");
        });
    }

    @Test
    void longRangesAreDownsampledOnTheServerToABoundedNumberOfBuckets() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", app.port())));

        JsonNode week = t.json("/api/counts?since=7d&step=1m");
        assertThat(week.get("step_s").asLong()).isEqualTo(15 * 60);
        assertThat(week.get("time").size()).isBetween(672, JournalView.MAX_POINTS + 1);
        JsonNode day = t.json("/api/counts?since=24h");
        assertThat(day.get("step_s").asLong()).isEqualTo(2 * 60);
        assertThat(day.get("time").size()).isBetween(720, JournalView.MAX_POINTS + 1);
        // A wider step than needed is kept; the default range is the last hour, by minute.
        assertThat(t.json("/api/counts?since=1h&step=10m").get("time").size()).isBetween(6, 7);
        assertThat(t.json("/api/counts").get("time").size()).isBetween(60, 61);
        JsonNode fixed = t.json("/api/counts?since=2026-12-07T10:00:00Z&until=2026-12-07T11:30:00Z&step=30m");
        assertThat(fixed.get("since").asString()).isEqualTo("2026-12-07T10:00:00Z");
        assertThat(fixed.get("time").size()).isEqualTo(3);
        assertThat(fixed.get("time").get(2).asLong()).isEqualTo(Instant.parse("2026-12-07T11:00:00Z").getEpochSecond());
    }

    @Test
    void badParametersAreAnsweredWithAProblem() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", app.port())));

        assertProblem(t.get("/api/counts?since=yesterday"), "since must be a time");
        assertProblem(t.get("/api/counts?until=soon"), "until must be a time");
        assertProblem(t.get("/api/counts?step=30s"), "step must be a whole number of minutes");
        assertProblem(t.get("/api/counts?step=90s"), "step must be a whole number of minutes");
        assertProblem(t.get("/api/counts?step=0"), "step must be a whole number of minutes");
        assertProblem(t.get("/api/counts?since=2026-12-07T11:00:00Z&until=2026-12-07T10:00:00Z"),
                "since (2026-12-07T11:00:00Z) must be before until (2026-12-07T10:00:00Z)");
        assertThat(t.post("/api/counts").statusCode()).isEqualTo(405);
        assertThat(t.get("/api/counts/x").statusCode()).isEqualTo(404);
    }

    private static void assertProblem(HttpResponse<String> r, String detail) {
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = AdminUnderTest.parse(r);
        assertThat(problem.get("type").asString()).isEqualTo("urn:candor:admin:bad-parameter");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    @Test
    void withTheJournalOffTheAnswerSaysSoAndCountsNothing() {
        int refusing = Ports.refusing();
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, "journal: off\n"
                + AdminUnderTest.config("retries: { attempts: 0 }", refusing)));
        assertThat(t.request("/").statusCode()).isEqualTo(502);

        JsonNode counts = t.json("/api/counts?since=1h");
        assertThat(counts.get("journal").isNull()).isTrue();
        assertThat(counts.get("errors").size()).isZero();
        assertThat(sum(counts.get("requests"))).isZero();
        assertThat(dir.resolve("candor-journal.db")).doesNotExist();
    }
}
