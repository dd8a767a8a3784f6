package dev.candor.it.failure;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Firewall rules for the tests that need the kernel itself to misbehave (an ICMP "unreachable", a SYN
 * silently dropped). Each rule matches one TCP port on 127.0.0.1 in OUTPUT, so nothing else is touched.
 * Without root or iptables the test is skipped — except in CI, where it must run and so fails.
 */
public final class Iptables {

    private Iptables() {
    }

    /**
     * Skips the calling test when iptables cannot be used here; fails instead when running in CI.
     *
     * @param what what the test needs iptables for, for the skip message
     */
    public static void assumeUsable(String what) {
        String problem = problem();
        if (problem == null) {
            return;
        }
        String message = "needs root and iptables: " + problem + " (for " + what + ")";
        if (System.getenv("CI") != null) {
            fail(message + " (CI is set: this test must run there)");
        }
        Assumptions.assumeTrue(false, message);
    }

    /** Null when iptables can be used, otherwise why not (its own message says "you must be root" when it is that). */
    static String problem() {
        Result r = run("-S", "OUTPUT");
        return r.exit == 0 ? null : "'iptables -S OUTPUT' failed (user " + System.getProperty("user.name") + "): " + r.output;
    }

    /** The rule spec for TCP to 127.0.0.1:{@code port} in OUTPUT, followed by {@code target}. */
    public static List<String> loopbackRule(int port, String... target) {
        List<String> spec = new ArrayList<>(List.of("OUTPUT", "-p", "tcp", "-d", "127.0.0.1",
                "--dport", String.valueOf(port)));
        spec.addAll(List.of(target));
        return spec;
    }

    public static void add(List<String> rule) {
        change("-A", rule);
    }

    /** Deletes the rule; fails loudly if it cannot, since a leftover rule would outlive the test. */
    public static void delete(List<String> rule) {
        change("-D", rule);
    }

    private static void change(String op, List<String> rule) {
        List<String> args = new ArrayList<>();
        args.add(op);
        args.addAll(rule);
        Result r = run(args.toArray(String[]::new));
        if (r.exit != 0) {
            fail("iptables " + String.join(" ", args) + " failed (" + r.exit + "): " + r.output);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", "5"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
