package dev.candor.process;

import dev.candor.journal.JournalReader;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real Candor killed with SIGKILL: the next start records the unclean stop with its last minute of counts. */
class JournalProcessTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    Path dir;
    private CandorProcess candor;
    private TestBackend backend;

    @AfterEach
    void stop() throws Exception {
        if (candor != null) {
            candor.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    @Timeout(120)
    void aKilledProcessIsRecordedAsAnUncleanStopAtTheNextStartAndASigtermAsACleanOne() throws Exception {
        backend = TestBackend.answering("ok");
        int port = Ports.freePort();
        int adminPort = Ports.freePort();
        Path config = CandorYaml.proxy(port, backend.port()).admin("127.0.0.1:" + adminPort, null).writeTo(dir);
        Path journal = dir.resolve("candor-journal.db");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            assertThat(get(http, "http://127.0.0.1:" + port + "/").statusCode()).isEqualTo(200);
        }
        // Counts reach the disk every 5 s.
        candor.until("3 requests counted in the journal", Duration.ofSeconds(30), () -> requestsOnDisk(journal) == 3);
        candor.signal("KILL");
        candor.awaitExit(Duration.ofSeconds(10));

        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(adminPort, Duration.ofSeconds(30));
        String eventsUrl = "http://127.0.0.1:" + adminPort + "/api/events";
        // This run's start event is written by the journal's thread, a moment after the listeners open.
        candor.until("three events", Duration.ofSeconds(10), () -> kinds(get(http, eventsUrl).body()).size() == 3);
        String body = get(http, eventsUrl).body();
        assertThat(kinds(body)).containsExactly("start", "unclean_stop", "start");
        JsonNode unclean = JSON.readTree(body).get("events").get(1);
        assertThat(unclean.get("facts").get("last_minute_requests").asString()).isEqualTo("3");
        List<String> counted = new ArrayList<>();
        unclean.get("facts").properties().forEach(f -> {
            if (f.getKey().startsWith("count ")) {
                counted.add(f.getKey() + "=" + f.getValue().asString());
            }
        });
        // "count ROUTE UPSTREAM CLASS": the route is unnamed in this config, so it is named after its match.
        assertThat(counted).singleElement().asString().endsWith(" backend 2xx=3");

        candor.terminate();
        assertThat(candor.awaitExit(Duration.ofSeconds(30))).isZero();
        List<JournalReader.StoredEvent> stored = new JournalReader(journal).events(null, null, 100);
        JournalReader.StoredEvent last = stored.get(stored.size() - 1);
        assertThat(last.event().kind()).isEqualTo("stop");
        assertThat(last.event().facts()).containsEntry("graceful", "true").containsEntry("drained_in_time", "true");
    }

    private static List<String> kinds(String body) {
        List<String> kinds = new ArrayList<>();
        JSON.readTree(body).get("events").forEach(e -> kinds.add(e.get("kind").asString()));
        return kinds;
    }

    private static long requestsOnDisk(Path journal) {
        if (!journal.toFile().exists()) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT coalesce(sum(requests), 0) FROM counts")) {
            return r.next() ? r.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
