package dev.candor.doctor;

import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The human report of three investigations (a backend down, a slow backend, a backend whose keep-alive
 * is shorter than the pool's idle timeout), compared with a golden file once ports, paths and timings are
 * replaced by placeholders. Run with {@code -Ddoctor.golden.update=true} to rewrite the file after a
 * deliberate change, then read the diff.
 */
class DoctorGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/doctor/golden-report.txt");

    /** Relative, so the config path the report prints is the same on every machine. */
    private final Path dir = Path.of("target", "doctor-golden");

    @Test
    void theHumanReportOfThreeScenariosMatchesTheGoldenFile() throws IOException {
        Files.createDirectories(dir);
        StringBuilder all = new StringBuilder();
        int down = Ports.refusing();
        all.append("$ candor doctor  # scenario: the backend is down\n");
        all.append(normalise(human(DoctorScenarioTest.config("- address: 127.0.0.1:" + down, "")), Map.of(down, "PORTA")));

        try (TestBackend slow = TestBackend.start((request, reply) -> CompletableFuture.delayedExecutor(600, TimeUnit.MILLISECONDS)
                .execute(() -> reply.send(200, "late")))) {
            String yaml = DoctorScenarioTest.config("- address: 127.0.0.1:" + slow.port(), "").replace("response: 2s", "response: 300ms");
            all.append("\n$ candor doctor  # scenario: the backend is slower than timeouts.response\n");
            all.append(normalise(human(yaml), Map.of(slow.port(), "PORTB")));
        }

        try (TestBackend keepAlive = TestBackend.start((request, reply) -> reply.send(200, "ok", "Keep-Alive", "timeout=1"))) {
            String yaml = DoctorScenarioTest.config("- address: 127.0.0.1:" + keepAlive.port(), "")
                    .replace("idle_timeout: 300ms", "idle_timeout: 5s");
            all.append("\n$ candor doctor  # scenario: the backend's keep-alive is shorter than pool.idle_timeout\n");
            all.append(normalise(human(yaml, "--idle-watch", "200ms"), Map.of(keepAlive.port(), "PORTC")));
        }

        if (Boolean.getBoolean("doctor.golden.update")) {
            Files.writeString(GOLDEN, all.toString(), StandardCharsets.UTF_8);
        }
        assertThat(all.toString()).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }

    private String human(String yaml, String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--color";
        args[1] = "never";
        System.arraycopy(extra, 0, args, 2, extra.length);
        DoctorRun run = DoctorRun.run(dir, yaml, args);
        return run.out();
    }

    /**
     * Ports (five digits when ephemeral) become five-letter names, so alignment survives; measured times
     * become N.N, and so does a timeout suggested from one; config values (300ms, 5s) stay as written.
     */
    static String normalise(String report, Map<Integer, String> ports) {
        String out = report;
        Map<Integer, String> sorted = new LinkedHashMap<>(ports);
        for (Map.Entry<Integer, String> p : sorted.entrySet()) {
            out = out.replaceAll("\\b" + p.getKey() + "\\b", p.getValue());
        }
        return out.replaceAll("\\d+\\.\\d ms", "N.N ms")
                .replaceAll("at least \\d+s", "at least Ns") // suggested from the measured latency
                .replaceAll("os_error=.*?(  |\n)", "os_error=(the transport's message)$1") // epoll and NIO word it differently
                .replaceAll("\\d+\\.\\d s\\b", "N.N s")
                .replaceAll("(_ms|_after_ms)=\\d+(\\.\\d+)?", "$1=N");
    }
}
