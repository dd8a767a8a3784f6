package dev.candor.process;

import dev.candor.testing.Ports;
import dev.candor.testing.TestDnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command line as an operator meets it (SPEC section 1): exit statuses and messages of {@code check},
 * {@code run}, {@code version} and the hidden {@code selftest}. Main calls System.exit, so each case runs in its own JVM.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliTest {
    private static final Pattern PROBLEM = Pattern.compile("^.*bad\\.yaml:(\\d+):(\\d+): (.+)$");

    @TempDir
    Path dir;

    private CandorProcess candor;

    @AfterEach
    void stop() throws Exception {
        if (candor != null) {
            candor.close();
        }
    }

    @Test
    void checkOfAValidConfigExitsZeroAndSaysOk() throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), CandorYaml.proxy(Ports.freePort(), 8081).text());

        int status = exitOf("check", "-c", good.toString());

        assertThat(status).as(candor.diagnostics()).isZero();
        assertThat(candor.stdout()).contains("OK");
    }

    @Test
    void checkOfABadConfigExitsOneWithEveryErrorAsFileLineColumnMessage() throws Exception {
        Path bad = writeBadConfig(8080);

        int status = exitOf("check", "-c", bad.toString());

        assertThat(status).as(candor.diagnostics()).isEqualTo(1);
        assertThat(candor.stdout()).doesNotContain("OK");
        List<Matcher> problems = candor.stderr().lines().map(PROBLEM::matcher).filter(Matcher::matches).toList();
        assertThat(problems).as("FILE:LINE:COL: message lines in\n%s", candor.stderr()).hasSize(3);
        assertThat(problems).anySatisfy(m -> assertProblem(m, 3, List.of(1, 17), "shutdown_grace"))
                .anySatisfy(m -> assertProblem(m, 4, List.of(1), "colour"))
                .anySatisfy(m -> assertProblem(m, 7, List.of(5, 15), "nowhere"));
    }

    @Test
    void checkShowsWhatEachEndpointNameResolvesToAndWarnsWithoutFailingWhenOneDoesNot() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.a("api.test", 30, "127.0.0.1", "127.0.0.2");
            Path config = Files.writeString(dir.resolve("dns.yaml"), """
                    listeners: [{address: "127.0.0.1:8080"}]
                    dns: { resolvers: ["%s"], timeout: 500ms }
                    routes: [{upstream: app}]
                    upstreams:
                      app:
                        endpoints: [{address: "api.test:8080"}, {address: "gone.test:8080"}]
                    """.formatted(dns.address()));

            int status = exitOf("check", "-c", config.toString());

            assertThat(status).as(candor.diagnostics()).isZero();
            assertThat(candor.stdout()).contains("dns: upstreams.app: api.test:8080 resolves to 127.0.0.1, 127.0.0.2 (TTL 30 s, from "
                    + dns.address() + ")").contains("OK");
            assertThat(candor.stderr()).contains("warning: upstreams.app: gone.test:8080 does not resolve now: gone.test does"
                    + " not exist (NXDOMAIN from " + dns.address() + ")");
        }
    }

    @Test
    void checkOfAMissingFileExitsOneAndSaysTheFileIsMissing() throws Exception {
        Path missing = dir.resolve("missing.yaml");

        int status = exitOf("check", "-c", missing.toString());

        assertThat(status).as(candor.diagnostics()).isEqualTo(1);
        assertThat(candor.stderr()).contains("missing.yaml").containsIgnoringCase("no such file");
    }

    @Test
    void runWithABadConfigExitsOneWithoutEverListening() throws Exception {
        int port = Ports.freePort();
        Path bad = writeBadConfig(port);
        candor = CandorProcess.start(dir, "run", "-c", bad.toString());

        AtomicBoolean listened = new AtomicBoolean();
        await("candor run exits").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (Ports.accepts(port)) {
                listened.set(true);
            }
            return !candor.isAlive();
        });

        assertThat(candor.awaitExit(Duration.ofSeconds(1))).as(candor.diagnostics()).isEqualTo(1);
        assertThat(listened).as("something accepted on the configured port").isFalse();
        assertThat(candor.stderr()).contains("bad.yaml:4:1: ");
    }

    @Test
    void versionExitsZeroAndNamesCandor() throws Exception {
        int status = exitOf("version");

        assertThat(status).as(candor.diagnostics()).isZero();
        assertThat(candor.stdout()).startsWith("candor ");
    }

    @Test
    void selftestProxiesThroughARealListenerAndExitsZero() throws Exception {
        int status = exitOf("selftest");

        assertThat(status).as(candor.diagnostics()).isZero();
        assertThat(candor.stderr()).contains("candor selftest: ok, 4 requests answered as expected");
    }

    @Test
    void theDemoConfigRenderedAsYamlIsValidAndChecksClean() throws Exception {
        // selftest parses this YAML; check proves an operator could run it as a file too
        try (dev.candor.demo.DemoEnvironment demo = dev.candor.demo.DemoEnvironment.start()) {
            Path file = Files.writeString(dir.resolve("demo.yaml"),
                    demo.yaml(new dev.candor.config.HostPort("127.0.0.1", Ports.freePort()), "off"));
            int status = exitOf("check", "-c", file.toString());
            assertThat(status).as(candor.diagnostics()).isZero();
        }
    }

    private int exitOf(String... args) throws Exception {
        candor = CandorProcess.start(dir, args);
        return candor.awaitExit(Duration.ofSeconds(30));
    }

    /** Three distinct errors on known lines: a bad duration (3), an unknown key (4), a missing upstream (7). */
    private Path writeBadConfig(int port) throws Exception {
        return Files.writeString(dir.resolve("bad.yaml"), ""
                + "listeners:\n"
                + "  - address: 127.0.0.1:" + port + "\n"
                + "shutdown_grace: 10 parsecs\n"
                + "colour: blue\n"
                + "routes:\n"
                + "  - match: { path_prefix: / }\n"
                + "    upstream: nowhere\n"
                + "upstreams:\n"
                + "  backend:\n"
                + "    endpoints:\n"
                + "      - address: 127.0.0.1:8081\n");
    }

    private static void assertProblem(Matcher m, int line, List<Integer> columns, String mentions) {
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(line);
        assertThat(Integer.parseInt(m.group(2))).as("column of the key or of its value").isIn(columns);
        assertThat(m.group(3)).contains(mentions);
    }
}
