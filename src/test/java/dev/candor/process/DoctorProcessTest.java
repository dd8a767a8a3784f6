package dev.candor.process;

import dev.candor.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code candor doctor} as its own process: the exit status SPEC section 7 promises reaches the shell,
 * output that is not a terminal carries no colour, and a doctor that cannot run says so with status 3.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DoctorProcessTest {

    @TempDir
    Path dir;

    private CandorProcess candor;

    @AfterEach
    void stop() throws Exception {
        if (candor != null) {
            candor.close();
        }
    }

    private Path config(int backendPort) throws Exception {
        return Files.writeString(dir.resolve("candor.yaml"), """
                listeners: [{address: "127.0.0.1:0"}]
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "127.0.0.1:%d"}]
                    timeouts: { connect: 300ms }
                """.formatted(backendPort));
    }

    private int exitOf(String... args) throws Exception {
        candor = CandorProcess.start(dir, args);
        return candor.awaitExit(Duration.ofSeconds(30));
    }

    @Test
    void aFailingInvestigationExitsTwoAndPrintsNoColourWhenNotOnATerminal() throws Exception {
        int port = Ports.refusing();

        int status = exitOf("doctor", "-c", config(port).toString());

        assertThat(status).as(candor.diagnostics()).isEqualTo(2);
        assertThat(candor.stdout()).contains("FAIL  backend.tcp").contains("127.0.0.1:" + port)
                .contains("8. What to do next").doesNotContain("\u001b[");
    }

    @Test
    void jsonGoesToStandardOutputAloneWithTheSameExitStatus() throws Exception {
        int port = Ports.refusing();

        int status = exitOf("doctor", "-c", config(port).toString(), "--json");

        assertThat(status).as(candor.diagnostics()).isEqualTo(2);
        assertThat(candor.stdout().strip()).startsWith("{").endsWith("}").contains("\"verdict\" : \"FAIL\"")
                .contains("\"error\" : \"connection_refused\"").doesNotContain("\u001b[");
    }

    @Test
    void anInvalidConfigMeansTheDoctorCouldNotRunExitThree() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "listeners: [{address: \"127.0.0.1:0\"}]\ncolour: red\n");

        int status = exitOf("doctor", "-c", bad.toString());

        assertThat(status).as(candor.diagnostics()).isEqualTo(3);
        assertThat(candor.stderr()).contains("bad.yaml:2:1").contains("candor doctor: could not run");
    }

    @Test
    void anUnknownOptionAlsoExitsThree() throws Exception {
        int status = exitOf("doctor", "--no-such-option");

        assertThat(status).as(candor.diagnostics()).isEqualTo(3);
    }
}
