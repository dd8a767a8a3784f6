package dev.candor.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) on 127.0.0.1 and a free port, with no
 * persistence, for the fleet-wide rate-limit store. It can be stopped and started again on the same port,
 * as an outage. Where the program is absent the test is skipped, except with {@code CI=true}, where it
 * fails ({@code .ci/run} installs it).
 */
public final class TestRedis implements AutoCloseable {
    private static final Path SERVER = Path.of("/usr/bin/redis-server");

    private final int port;
    private Process process;

    private TestRedis(int port) {
        this.port = port;
    }

    /** Skips (or in CI fails) the calling test when redis-server is not installed. */
    public static void assumeInstalled() {
        if (Files.isExecutable(SERVER)) {
            return;
        }
        String message = SERVER + " is missing: install the Debian package redis-server to run this test";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + " (CI=true: this test must run there)");
        }
        Assumptions.assumeTrue(false, message);
    }

    public static TestRedis start() {
        assumeInstalled();
        TestRedis redis = new TestRedis(Ports.freePort());
        redis.startProcess();
        return redis;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, as {@code rate_limit_store} takes it. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (again) on the same port and waits until it accepts connections. */
    public void startProcess() {
        try {
            process = new ProcessBuilder(List.of(SERVER.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Ports.accepts(port));
    }

    /** Stops it, as an outage would: connections drop and the port refuses. */
    public void stopProcess() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stopProcess();
    }
}
