package dev.candor.process;

import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code candor run}: SIGHUP reloads the config file, like {@code POST /api/reload}; the dashboard URL is printed. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReloadOnSighupTest {
    @TempDir
    Path dir;
    private CandorProcess candor;
    private TestBackend first;
    private TestBackend second;

    @AfterEach
    void stop() throws Exception {
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
    void sighupSwapsInTheEditedFileAndAnInvalidEditIsRefusedWithoutStopping() throws Exception {
        first = TestBackend.answering("first");
        second = TestBackend.answering("second");
        int port = Ports.freePort();
        int adminPort = Ports.freePort();
        Path config = CandorYaml.proxy(port, first.port()).admin("127.0.0.1:" + adminPort, "t0ken").writeTo(dir);
        candor = CandorProcess.startUnder(SIGHUP_DEFAULT, dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));
        candor.until("the admin URL printed", Duration.ofSeconds(10), () -> candor.stderr().contains(
                "admin API and dashboard on http://127.0.0.1:" + adminPort + "/"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThat(get(http, port).body()).isEqualTo("first");

        Files.writeString(config, CandorYaml.proxy(port, second.port()).admin("127.0.0.1:" + adminPort, "t0ken").text());
        candor.signal("HUP");

        candor.until("requests go to the second backend", Duration.ofSeconds(10),
                () -> get(http, port).body().equals("second"));
        HttpRequest statusRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/status"))
                .header("Authorization", "Bearer t0ken").build();
        // The reload's result is kept a moment after the new routes serve.
        candor.until("the reload in /api/status", Duration.ofSeconds(10), () -> http.send(statusRequest,
                HttpResponse.BodyHandlers.ofString()).body().contains("\"trigger\" : \"SIGHUP\""));
        HttpResponse<String> status = http.send(statusRequest, HttpResponse.BodyHandlers.ofString());
        assertThat(status.body()).contains("\"trigger\" : \"SIGHUP\"").contains("\"ok\" : true");

        Files.writeString(config, "routes: [\n");
        candor.signal("HUP");
        candor.until("the refusal is logged", Duration.ofSeconds(10),
                () -> candor.stderr().contains("reload (SIGHUP) refused, running config kept"));
        assertThat(candor.isAlive()).isTrue();
        assertThat(get(http, port).body()).isEqualTo("second");
    }

    @Test
    void underNohupTheIgnoredSighupIsReportedWithTheWaysThatStillReload() throws Exception {
        assumeTrue(runs("nohup", "true"), "nohup(1) is not installed");
        first = TestBackend.answering("first");
        int port = Ports.freePort();
        Path config = CandorYaml.proxy(port, first.port()).admin("127.0.0.1:" + Ports.freePort(), "t0ken").writeTo(dir);
        candor = CandorProcess.startUnder(List.of("nohup"), dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));

        candor.until("the warning", Duration.ofSeconds(10), () -> candor.stderr().contains(
                "SIGHUP is ignored in this process (started under nohup, or by a parent that ignores it), so kill -HUP"
                        + " will not reload " + config + ": use POST /api/reload or candor run --watch"));
        candor.signal("HUP");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThat(get(http, port).body()).as("still serving after the ignored SIGHUP").isEqualTo("first");
        assertThat(candor.isAlive()).isTrue();
    }

    /**
     * Starts the JVM with SIGHUP at its default disposition even when this test runs under nohup (which
     * children inherit, and which keeps the JVM from taking a handler), using coreutils' env when it can.
     */
    private static final List<String> SIGHUP_DEFAULT = runs("env", "--default-signal=HUP", "true")
            ? List.of("env", "--default-signal=HUP") : List.of();

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
