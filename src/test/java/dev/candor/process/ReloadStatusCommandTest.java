package dev.candor.process;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code candor reload} and {@code candor status} against a running {@code candor run}, found through
 * the admin listener its config names (with its token), like {@code nginx -s reload}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReloadStatusCommandTest {
    private static final String TOKEN = "t0ken-for-cli";

    @TempDir
    Path dir;
    private CandorProcess candor;
    private final List<CandorProcess> commands = new ArrayList<>();
    private TestBackend first;
    private TestBackend second;

    @AfterEach
    void stop() throws Exception {
        for (CandorProcess c : commands) {
            c.close();
        }
        if (candor != null) {
            candor.close();
        }
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void reloadAppliesTheEditedFileAndStatusShowsIt() throws Exception {
        first = TestBackend.answering("first");
        second = TestBackend.answering("second");
        int port = Ports.freePort();
        int adminPort = Ports.freePort();
        Path config = CandorYaml.proxy(port, first.port()).admin("127.0.0.1:" + adminPort, TOKEN).writeTo(dir);
        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));
        assertThat(get(port)).isEqualTo("first");

        Files.writeString(config, CandorYaml.proxy(port, second.port()).admin("127.0.0.1:" + adminPort, TOKEN).text());
        CandorProcess reload = command("reload", "-c", config.toString());

        assertThat(reload.awaitExit(Duration.ofSeconds(30))).as(reload.diagnostics()).isZero();
        assertThat(reload.stdout()).contains("candor reload: " + config.toAbsolutePath() + " reloaded in")
                .contains("upstreams").contains("backend");
        assertThat(get(port)).isEqualTo("second");

        CandorProcess status = command("status", "-c", config.toString());
        assertThat(status.awaitExit(Duration.ofSeconds(30))).as(status.diagnostics()).isZero();
        assertThat(status.stdout())
                .contains("at http://127.0.0.1:" + adminPort + ", up ")
                .contains("config:      " + config.toAbsolutePath() + " (sha256 ")
                .contains("last reload: applied at ").contains("(admin api)")
                .contains("listener:    ").contains("127.0.0.1:" + port + " (bound 127.0.0.1:" + port + ")")
                .contains("requests:    2,");

        CandorProcess json = command("status", "-c", config.toString(), "--json");
        assertThat(json.awaitExit(Duration.ofSeconds(30))).as(json.diagnostics()).isZero();
        JsonNode parsed = JsonMapper.builder().build().readTree(json.stdout());
        assertThat(parsed.get("config").get("file").asString()).isEqualTo(config.toAbsolutePath().toString());
        assertThat(parsed.get("listeners").get(0).get("bound").asString()).isEqualTo("127.0.0.1:" + port);
    }

    @Test
    void aRefusedReloadPrintsEveryErrorWithItsPlaceAndExitsOneWhileTheProcessKeepsServing() throws Exception {
        first = TestBackend.answering("first");
        int port = Ports.freePort();
        int adminPort = Ports.freePort();
        Path config = CandorYaml.proxy(port, first.port()).admin("127.0.0.1:" + adminPort, TOKEN).writeTo(dir);
        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));

        // Two mistakes on known lines; the admin key itself is intact, so the command finds the process.
        String broken = CandorYaml.proxy(port, first.port()).admin("127.0.0.1:" + adminPort, TOKEN).text()
                .replace("shutdown_grace: 10s", "shutdown_grace: 10 parsecs")
                .replace("upstream: backend", "upstream: nowhere");
        Files.writeString(config, broken);
        int graceLine = lineOf(broken, "shutdown_grace");
        int routeLine = lineOf(broken, "upstream: nowhere");
        CandorProcess reload = command("reload", "-c", config.toString());

        assertThat(reload.awaitExit(Duration.ofSeconds(30))).as(reload.diagnostics()).isEqualTo(1);
        assertThat(reload.stderr().lines().toList())
                .anySatisfy(l -> assertThat(l).startsWith(config + ":" + graceLine + ":").contains("shutdown_grace"))
                .anySatisfy(l -> assertThat(l).startsWith(config + ":" + routeLine + ":").contains("nowhere"))
                .contains("candor reload: refused, the running config is kept (2 error(s))");
        assertThat(candor.isAlive()).isTrue();
        assertThat(get(port)).isEqualTo("first");

        CandorProcess status = command("status", "-c", config.toString());
        assertThat(status.awaitExit(Duration.ofSeconds(30))).as(status.diagnostics()).isZero();
        assertThat(status.stdout()).contains("last reload: REFUSED, running config kept at ")
                .contains(config + ":" + routeLine + ":");
    }

    @Test
    void withNothingListeningBothSayWhereTheyLookedAndExitThree() throws Exception {
        int adminPort = Ports.freePort();
        Path config = CandorYaml.proxy(Ports.freePort(), 8081).admin("0.0.0.0:" + adminPort, null).writeTo(dir);

        CandorProcess reload = command("reload", "-c", config.toString());
        assertThat(reload.awaitExit(Duration.ofSeconds(30))).as(reload.diagnostics()).isEqualTo(3);
        assertThat(reload.stderr()).contains("candor reload: nothing answers at http://127.0.0.1:" + adminPort
                + " (connection refused)");

        Files.writeString(config, CandorYaml.proxy(Ports.freePort(), 8081).text());
        CandorProcess status = command("status", "-c", config.toString());
        assertThat(status.awaitExit(Duration.ofSeconds(30))).as(status.diagnostics()).isEqualTo(3);
        assertThat(status.stderr()).contains("turns the admin listener off (admin: off)").contains("kill -HUP");
    }

    private CandorProcess command(String... args) throws Exception {
        CandorProcess c = CandorProcess.start(dir, args);
        commands.add(c);
        return c;
    }

    private static int lineOf(String text, String needle) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not in " + text);
    }

    private static String get(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
