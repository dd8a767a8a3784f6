package dev.candor.process;

import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogFormat;
import dev.candor.testing.Ports;
import dev.candor.testing.RequestLoad;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * logrotate's way with a real {@code candor run}: rename the access log under load, send SIGUSR1 (what
 * a logrotate file written for nginx sends), and every request has exactly one line in one of the two
 * files; the process keeps serving (SIGUSR1's default action would have ended it).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LogRotationTest {
    private static final int CONNECTIONS = 4;
    private static final int REQUESTS = 6000;

    @TempDir
    Path dir;
    private CandorProcess candor;
    private TestBackend backend;
    private RequestLoad load;

    @AfterEach
    void stop() throws Exception {
        if (load != null) {
            load.close();
        }
        if (candor != null) {
            candor.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void sigusr1AfterARenameUnderLoadReopensTheFileWithoutLosingOrDuplicatingALine() throws Exception {
        backend = TestBackend.answering("ok");
        int port = Ports.freePort();
        Path accessLog = dir.resolve("log/access.log");
        Path rotated = dir.resolve("log/access.log.1");
        Path config = CandorYaml.proxy(port, backend.port()).accessLog(accessLog).writeTo(dir);
        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));

        load = RequestLoad.start(new InetSocketAddress("127.0.0.1", port), CONNECTIONS, REQUESTS, "/item");
        candor.until("a quarter of the load answered", Duration.ofSeconds(60), () -> load.answered() >= REQUESTS / 4);
        Files.move(accessLog, rotated);
        candor.signal("USR1");
        candor.until("the reopen is logged", Duration.ofSeconds(10),
                () -> candor.stderr().contains("access log reopened (SIGUSR1): " + accessLog));
        int answeredAtReopen = load.answered();
        load.await(Duration.ofSeconds(90));

        assertThat(candor.isAlive()).as("still running after SIGUSR1; %s", candor.diagnostics()).isTrue();
        assertThat(load.failures()).as(candor.diagnostics()).isEmpty();
        assertThat(load.okIds()).hasSize(REQUESTS);
        assertThat(answeredAtReopen).as("the reopen happened while requests were still being sent")
                .isLessThan(REQUESTS);

        // A graceful stop drains the writer's queue into the file.
        candor.terminate();
        assertThat(candor.awaitExit(Duration.ofSeconds(30))).isZero();
        List<String> before = ids(rotated);
        List<String> after = ids(accessLog);
        assertThat(before).as("lines before the signal, in the renamed file").isNotEmpty();
        assertThat(after).as("lines after the signal, in the new file").isNotEmpty();
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(new HashSet<>(all)).as("no line written twice").hasSize(all.size());
        assertThat(all).as("one line per request, none lost").containsExactlyInAnyOrderElementsOf(load.okIds());
    }

    private static List<String> ids(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(AccessLogFormat::parse).map(AccessLogEntry::requestId).toList();
    }
}
