package dev.candor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Another proxy (nginx, HAProxy, Apache httpd) run by a test as a child process with its own config file in a
 * temp dir, in the foreground, listening on a loopback port picked with {@link Ports#freePort()}. Its output
 * goes to a file in that dir; a start that fails says what the program printed.
 */
public final class ForeignProxy implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path output;

    private ForeignProxy(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /**
     * Skips the test (with the package to install) when {@code binary} is missing, except with CI=true, where
     * {@code .ci/run} must have installed it and the test fails instead.
     */
    public static void assumeInstalled(Path binary, String aptPackage) {
        boolean present = Files.isExecutable(binary);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must have " + binary + " (apt: " + aptPackage + "); .ci/run installs it");
        }
        assumeTrue(present, "skipped: " + binary + " is not installed (apt-get install " + aptPackage + ")");
    }

    /**
     * Starts {@code command} in {@code dir} and waits (at most 10 s) until it accepts connections on
     * {@code port}; fails with its output when it exits first.
     */
    public static ForeignProxy start(String name, List<String> command, Path dir, int port) {
        Path output = dir.resolve(name + ".out");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
        ForeignProxy proxy = new ForeignProxy(name, p, output);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !p.isAlive() || Ports.accepts(port));
        } catch (RuntimeException e) {
            proxy.close();
            throw new AssertionError(name + " did not listen on " + port + " within 10 s: " + proxy.printed(), e);
        }
        if (!p.isAlive()) {
            throw new AssertionError(name + " exited with " + p.exitValue() + ": " + proxy.printed());
        }
        return proxy;
    }

    /** What the program printed so far. */
    public String printed() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
