package dev.candor.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigFileTest {

    private static final String VALID = """
            access_log: {path: access.log}
            routes: [{upstream: app}]
            upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
            """;

    @TempDir
    Path dir;

    @Test
    void aFileIsLoadedAndItsPathKept() throws Exception {
        Path file = Files.writeString(dir.resolve("candor.yaml"), VALID);

        CandorConfig config = ConfigLoader.load(file);

        assertThat(config.source()).isEqualTo(file);
        assertThat(config.accessLog()).isEqualTo(new AccessLogConfig(true, dir.resolve("access.log").toString()));
    }

    @Test
    void problemsNameTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("candor.yaml"), "workers: 0\n" + VALID);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.problems()).containsExactly(
                new ConfigProblem(file.toString(), 1, 10, "workers: must be at least 1, was 0"));
    }

    @Test
    void aMissingFileIsOneProblemAtTheStart() {
        Path file = dir.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.problems()).containsExactly(
                new ConfigProblem(file.toString(), 1, 1, "cannot read the file: no such file"));
    }

    @Test
    void aDirectoryIsNotReadable() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));

        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(1);
            assertThat(problem.column()).isEqualTo(1);
            assertThat(problem.message()).startsWith("cannot read the file: ");
        });
    }

    @Test
    void aFileThatIsNotUtf8IsReported() throws Exception {
        Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.problems()).containsExactly(
                new ConfigProblem(file.toString(), 1, 1, "cannot read the file: not valid UTF-8 text"));
    }
}
