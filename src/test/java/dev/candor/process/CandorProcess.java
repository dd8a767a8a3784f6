package dev.candor.process;

import dev.candor.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * {@code dev.candor.cli.Main} in its own JVM (small heap, exits on OOM), stdout and stderr captured
 * to files for assertion messages. Closing it kills the process if it is still running.
 */
final class CandorProcess implements AutoCloseable {
    static final String HEAP = "-Xmx64m";

    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CandorProcess(List<String> command, Process process, Path stdout, Path stderr) {
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code java -Xmx64m -cp <test classpath> dev.candor.cli.Main args...}; output goes under {@code dir}. */
    static CandorProcess start(Path dir, String... args) throws IOException {
        return startUnder(List.of(), dir, args);
    }

    /** The same, run by {@code launcher} (e.g. {@code nohup}), which then executes the JVM. */
    static CandorProcess startUnder(List<String> launcher, Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(javaBin(), HEAP, "-XX:+ExitOnOutOfMemoryError"));
        if (Runtime.version().feature() >= 24) {
            // what the pom's jdk25 profile gives the test JVM, so Netty behaves the same in the child
            command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.candor.cli.Main"));
        command.addAll(List.of(args));
        String name = args.length == 0 ? "candor" : "candor-" + args[0];
        Path out = Files.createTempFile(dir, name, ".stdout");
        Path err = Files.createTempFile(dir, name, ".stderr");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        process.getOutputStream().close(); // nothing to say on stdin
        return new CandorProcess(List.copyOf(command), process, out, err);
    }

    private static String javaBin() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal by name (e.g. {@code HUP}) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM on Linux and macOS: the graceful stop. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit by itself and returns its status; fails with the output if it does not. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("candor did not exit within " + within + "\n" + diagnostics());
        }
        return process.exitValue();
    }

    /** Waits for {@code condition}; when it does not come, fails with the process's output. */
    void until(String what, Duration within, java.util.concurrent.Callable<Boolean> condition) {
        try {
            org.awaitility.Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    /** Waits until a TCP connect to {@code port} succeeds; fails at once, with the output, if the process dies. */
    void awaitAccepting(int port, Duration within) {
        try {
            await("candor accepting on 127.0.0.1:" + port)
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("candor exited before accepting on port " + port + "\n" + diagnostics());
                        }
                        return Ports.accepts(port);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Command, state and the captured output, for assertion messages. */
    String diagnostics() {
        String state = process.isAlive() ? "running" : "exited " + process.exitValue();
        int main = command.indexOf("dev.candor.cli.Main");
        return "command: " + String.join(" ", command.subList(0, command.indexOf(HEAP) + 2)) + " ... "
                + command.subList(main, command.size())
                + "\nstate: " + state
                + "\n--- stdout (last 4000 chars) ---\n" + tail(stdout())
                + "\n--- stderr (last 8000 chars) ---\n" + tail(stderr(), 8000);
    }

    private static String tail(String text) {
        return tail(text, 4000);
    }

    private static String tail(String text, int max) {
        return text.length() <= max ? text : "..." + text.substring(text.length() - max);
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
