package dev.candor.doctor;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three scripted incidents against a real Candor with a real journal file and real failing backends;
 * each time the doctor's "What changed" names the change that caused the errors, first through the
 * admin API while Candor runs, then from the journal file alone after Candor stopped.
 */
class WhatChangedIncidentTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** The doctor's own copy of the config, so that it does not overwrite the one Candor reloads. */
    private Path doctorDir() {
        try {
            return Files.createDirectories(dir.resolve("doctor"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasEvent(AdminUnderTest t, String kind, String text) {
        for (JsonNode e : t.json("/api/events?since=10m").get("events")) {
            if (e.get("kind").asString().equals(kind) && e.toString().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Requests until {@code n} have failed with {@code status}; bounded. Each on a new connection: a
     * connection keeps the config it was accepted under, so only new ones see what a reload changed.
     */
    private static void failures(AdminUnderTest t, int status, int n) {
        int failed = 0;
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 40 && failed < n; i++) {
            RawResponse r = RawHttp.get(t.address(), "/incident/" + i);
            seen.add(r.status() + " " + r.header("Proxy-Status"));
            if (r.status() == status) {
                failed++;
            }
        }
        assertThat(failed).as("requests that failed with %d: %s", status, seen).isEqualTo(n);
    }

    /** The check "What changed" via the admin API while Candor runs, then via the journal after it stopped. */
    private JsonNode[] both(AdminUnderTest t, String yaml) {
        String admin = t.adminUri("").toString();
        DoctorRun live = DoctorRun.run(doctorDir(), yaml, "--json", "--connects", "1", "--idle-watch", "0s", "--admin", admin);
        JsonNode viaAdmin = live.check("changed.burst", admin);
        Path journal = dir.resolve("candor-journal.db");
        t.close();
        DoctorRun after = DoctorRun.run(doctorDir(), yaml, "--json", "--connects", "1", "--idle-watch", "0s",
                "--journal", journal.toString());
        JsonNode viaJournal = after.check("changed.burst", journal.toString());
        assertThat(after.exit()).isEqualTo(2);
        return new JsonNode[] {viaAdmin, viaJournal};
    }

    @Test
    void aReloadThatLoweredTheResponseTimeoutIsNamedWithTheKeyBeforeTheTimeouts() {
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) -> CompletableFuture
                .delayedExecutor(700, TimeUnit.MILLISECONDS).execute(() -> reply.send(200, "late"))));
        AdminUnderTest t = AdminUnderTest.start(dir, AdminUnderTest.config("timeouts: {response: 30s}", slow.port()));
        cleanup.add(t);
        assertThat(t.request("/before").statusCode()).isEqualTo(200);
        String lowered = AdminUnderTest.config("timeouts: {response: 200ms}", slow.port());
        assertThat(t.reload(lowered).statusCode()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(hasEvent(t, "reload", "200ms")).isTrue());

        failures(t, 504, 4);

        for (JsonNode check : both(t, lowered)) {
            assertThat(status(check)).as(check.toString()).isEqualTo("FAIL");
            assertThat(check.get("error").asString()).isEqualTo("http_response_timeout");
            JsonNode evidence = check.get("evidence");
            assertThat(evidence.get("cause").asString()).isEqualTo("reload");
            assertThat(evidence.get("changed_key").asString()).isEqualTo("upstreams.app.timeouts.response");
            assertThat(evidence.get("failures").asInt()).isGreaterThanOrEqualTo(4);
            assertThat(check.get("summary").asString())
                    .matches("504s \\(http_response_timeout\\) on upstream app began \\d+\\.\\d s after reload #1 changed"
                            + " `upstreams.app.timeouts.response` 30s -> 200ms");
            assertThat(check.get("advice").asString()).contains("restore `upstreams.app.timeouts.response` to 30s in ")
                    .contains("candor reload -c ");
        }
    }

    @Test
    void aDnsAnswerMovedToADeadAddressIsNamedBeforeTheRefusedConnections() {
        TestDnsServer dns = cleanup.add(TestDnsServer.start());
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        dns.a("app.test", 1, "127.0.0.1");
        String yaml = AdminUnderTest.config("", app.port())
                .replace("      - address: 127.0.0.1:" + app.port(), "      - address: app.test:" + app.port())
                .replace("workers: 2", "workers: 2\ndns: { resolvers: [\"" + dns.address() + "\"], timeout: 300ms }");
        AdminUnderTest t = AdminUnderTest.start(dir, yaml);
        cleanup.add(t);
        assertThat(t.request("/before").statusCode()).isEqualTo(200);

        // Nothing listens on 127.0.0.2 at that port: the new answer refuses every connection.
        dns.a("app.test", 1, "127.0.0.2");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hasEvent(t, "dns", "127.0.0.2")).isTrue());

        failures(t, 502, 4);

        for (JsonNode check : both(t, yaml)) {
            assertThat(status(check)).as(check.toString()).isEqualTo("FAIL");
            assertThat(check.get("error").asString()).isEqualTo("connection_refused");
            assertThat(check.get("evidence").get("cause").asString()).isEqualTo("dns");
            assertThat(check.get("summary").asString()).matches("502s \\(connection_refused\\) on upstream app began"
                    + " \\d+\\.\\d s after the DNS answer for app.test changed from \\[127.0.0.1] to \\[127.0.0.2]");
            assertThat(check.get("advice").asString()).contains("put the record of app.test back to [127.0.0.1]");
        }
    }

    @Test
    void anEndpointThatTurnedUnhealthyIsNamedBeforeDestinationUnavailable() {
        AtomicBoolean sick = new AtomicBoolean();
        TestBackend app = cleanup.add(TestBackend.start((request, reply) ->
                reply.send(request.uri().equals("/healthz") && sick.get() ? 503 : 200, "ok")));
        String yaml = AdminUnderTest.config(
                "when_all_unhealthy: fail\nhealth_check: { path: /healthz, interval: 200ms, timeout: 200ms, unhealthy_threshold: 2 }", app.port());
        AdminUnderTest t = AdminUnderTest.start(dir, yaml);
        cleanup.add(t);
        assertThat(t.request("/before").statusCode()).isEqualTo(200);

        sick.set(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hasEvent(t, "health", "unhealthy")).isTrue());

        failures(t, 503, 4);

        for (JsonNode check : both(t, yaml)) {
            assertThat(status(check)).as(check.toString()).isEqualTo("FAIL");
            assertThat(check.get("error").asString()).isEqualTo("destination_unavailable");
            assertThat(check.get("evidence").get("cause").asString()).isEqualTo("health");
            assertThat(check.get("summary").asString()).matches("503s \\(destination_unavailable\\) on upstream app began"
                    + " \\d+\\.\\d s after endpoint 127.0.0.1:" + app.port() + " of upstream app went healthy -> unhealthy \\(status 503, expected 200-399\\)");
            assertThat(check.get("advice").asString()).contains("make 127.0.0.1:" + app.port() + " pass its health check again");
        }
    }

    @Test
    void aJournalFileThatIsNotThereStopsTheDoctorWithStatusThree() {
        DoctorRun run = DoctorRun.run(doctorDir(), AdminUnderTest.config("", 1), "--journal",
                dir.resolve("no-such-journal.db").toString());

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("no-such-journal.db is not a readable file");
    }

    @Test
    void withoutAdminOrJournalTheSectionSaysHowToRunIt() {
        DoctorRun run = DoctorRun.run(doctorDir(), AdminUnderTest.config("", 1), "--color", "never", "--connects", "1");

        assertThat(run.out()).contains("7. What changed\n  -     not run: give --admin URL, or --journal FILE");
    }
}
