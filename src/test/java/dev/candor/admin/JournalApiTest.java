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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The journal through the admin API: evidence and events that outlive a restart, reloads' changed keys. */
class JournalApiTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private static List<String> kinds(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.get("events").forEach(e -> out.add(e.get("kind").asString() + (e.get("this_run").asBoolean() ? "" : " (before)")));
        return out;
    }

    @Test
    void aFailureAndTheEventsBeforeARestartAreServedAfterIt() throws Exception {
        int refusing = Ports.refusing();
        String yaml = AdminUnderTest.config("", refusing);
        String requestId;
        try (AdminUnderTest first = AdminUnderTest.start(dir, yaml)) {
            HttpResponse<String> r = first.request("/gone");
            assertThat(r.statusCode()).isEqualTo(502);
            requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
            String id = requestId;
            // Recorded once the exchange has ended, which may be just after the client read the 502.
            await().untilAsserted(() -> assertThat(first.get("/api/errors/" + id).statusCode()).isEqualTo(200));
        }
        assertThat(dir.resolve("candor-journal.db")).exists();

        AdminUnderTest second = cleanup.add(AdminUnderTest.start(dir, yaml));
        // Not in the new process's memory: from the journal, with the evidence it had.
        HttpResponse<String> found = second.get("/api/errors/" + requestId);
        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode report = AdminUnderTest.parse(found);
        assertThat(report.get("error").asString()).isEqualTo("connection_refused");
        assertThat(report.get("uri").asString()).isEqualTo("/gone");
        assertThat(report.get("attempts").size()).isGreaterThanOrEqualTo(1);
        assertThat(report.get("explanation").asString()).isNotBlank();

        JsonNode errors = second.json("/api/errors?since=1h");
        List<String> ids = new ArrayList<>();
        errors.get("errors").forEach(e -> ids.add(e.get("request_id").asString()));
        assertThat(ids).contains(requestId);
        assertThat(second.json("/api/errors?until=2000-01-01T00:00:00Z").get("errors").size()).isZero();

        await().untilAsserted(() -> assertThat(kinds(second.json("/api/events?since=1h")))
                .containsSubsequence("start (before)", "stop (before)", "start"));
        JsonNode stop = null;
        for (JsonNode e : second.json("/api/events").get("events")) {
            if (e.get("kind").asString().equals("stop")) {
                stop = e;
            }
        }
        assertThat(stop).isNotNull();
        assertThat(stop.get("facts").get("graceful").asString()).isEqualTo("false");
        assertThat(second.json("/api/status").get("journal").get("writing").asBoolean()).isTrue();
    }

    @Test
    void aReloadIsRecordedWithTheKeysItChangedOldToNew() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("timeouts: {response: 30s}",
                app.port())));
        assertThat(t.reload(AdminUnderTest.config("timeouts: {response: 3s}", app.port())).statusCode()).isEqualTo(200);

        await().untilAsserted(() -> {
            JsonNode reload = null;
            for (JsonNode e : t.json("/api/events?since=10m").get("events")) {
                if (e.get("kind").asString().equals("reload")) {
                    reload = e;
                }
            }
            assertThat(reload).isNotNull();
            assertThat(reload.get("facts").get("changed upstreams.app.timeouts.response").asString())
                    .isEqualTo("30s -> 3s");
            assertThat(reload.get("summary").asString())
                    .isEqualTo("reload #1 (admin api) changed upstreams.app.timeouts.response 30s -> 3s");
        });
    }

    /** The last event of this kind, or null. */
    private static JsonNode lastOf(AdminUnderTest t, String kind) {
        JsonNode found = null;
        for (JsonNode e : t.json("/api/events").get("events")) {
            if (e.get("kind").asString().equals(kind)) {
                found = e;
            }
        }
        return found;
    }

    @Test
    void aHealthTransitionIsRecordedWithItsCause() {
        int refusing = Ports.refusing();
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config(
                "health_check: { type: tcp, interval: 100ms, timeout: 100ms, unhealthy_threshold: 2 }", refusing)));

        await().untilAsserted(() -> {
            JsonNode health = lastOf(t, "health");
            assertThat(health).isNotNull();
            assertThat(health.get("subject").asString()).isEqualTo("app/127.0.0.1:" + refusing);
            assertThat(health.get("facts").get("from").asString()).isEqualTo("healthy");
            assertThat(health.get("facts").get("to").asString()).isEqualTo("unhealthy");
            assertThat(health.get("facts").get("cause").asString()).isEqualTo("connection_refused");
        });
    }

    @Test
    void anEjectionIsRecordedWithTheErrorThatCausedIt() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        int refusing = Ports.refusing();
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config(
                "outlier_detection: { consecutive_failures: 2, base_ejection: 30s, max_ejected_percent: 50 }",
                app.port(), refusing)));

        await().untilAsserted(() -> {
            t.request("/");
            JsonNode ejection = lastOf(t, "ejection");
            assertThat(ejection).isNotNull();
            assertThat(ejection.get("facts").get("endpoint").asString()).isEqualTo("127.0.0.1:" + refusing);
            assertThat(ejection.get("facts").get("last_error").asString()).isEqualTo("connection_refused");
        });
    }

    @Test
    void aDrainIsAnEvent() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", app.port())));
        assertThat(t.server().drain("app", "127.0.0.1:" + app.port(), true)).isTrue();

        await().untilAsserted(() -> assertThat(kinds(t.json("/api/events"))).contains("drain"));
    }

    @Test
    void whenTheJournalCannotBeWrittenCandorKeepsServingAndReportsDroppedRows() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        String yaml = "journal: {path: " + notADirectory.resolve("j.db") + "}\n"
                + AdminUnderTest.config("", app.port(), Ports.refusing());
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, yaml));

        for (int i = 0; i < 4; i++) {
            assertThat(t.request("/").statusCode()).isIn(200, 502);
        }
        await().untilAsserted(() -> {
            JsonNode journal = t.json("/api/status").get("journal");
            assertThat(journal.get("writing").asBoolean()).isFalse();
            assertThat(journal.get("problem").asString()).contains("cannot write");
            assertThat(journal.get("rows_dropped").asLong()).isGreaterThan(0);
        });
        assertThat(t.request("/").statusCode()).isIn(200, 502);
        assertThat(t.json("/api/events").get("events").size()).isZero();
    }
}
