package dev.candor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal keys of SPEC section 13: defaults, {@code journal: off}, and FILE:LINE:COL for bad values. */
class JournalConfigTest {
    private static final String REST = """
            routes: [{upstream: app}]
            upstreams: {app: {endpoints: [{address: "127.0.0.1:9000"}]}}
            """;

    @TempDir
    Path dir;

    private CandorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "candor.yaml", dir.resolve("candor.yaml"), Map.<String, String>of()::get);
    }

    @Test
    void theJournalIsOnByDefaultNextToTheConfigFileWithSevenDaysAnd256MiB() throws Exception {
        JournalConfig j = parse(REST).journal();

        assertThat(j.enabled()).isTrue();
        assertThat(j.path()).isEqualTo(dir.toAbsolutePath().resolve("candor-journal.db"));
        assertThat(j.keep()).isEqualTo(Duration.ofDays(7));
        assertThat(j.maxSize()).isEqualTo(256L * 1024 * 1024);
    }

    @Test
    void pathKeepAndMaxSizeAreReadAndARelativePathIsResolvedAgainstTheConfigDirectory() throws Exception {
        JournalConfig j = parse("journal: {path: data/j.db, keep: 36h, max_size: 8MiB}\n" + REST).journal();

        assertThat(j.path()).isEqualTo(dir.toAbsolutePath().resolve("data/j.db"));
        assertThat(j.keep()).isEqualTo(Duration.ofHours(36));
        assertThat(j.maxSize()).isEqualTo(8L * 1024 * 1024);
    }

    @Test
    void journalOffDisablesIt() throws Exception {
        assertThat(parse("journal: off\n" + REST).journal()).isEqualTo(JournalConfig.OFF);
    }

    @Test
    void aConfigNotReadFromAFileHasNoJournalUnlessItNamesAnAbsolutePath() throws Exception {
        assertThat(ConfigLoader.parse(REST, "test.yaml", null, Map.<String, String>of()::get).journal().enabled())
                .isFalse();
        String absolute = "journal: {path: " + dir.resolve("x.db") + "}\n";
        assertThat(ConfigLoader.parse(absolute + REST, "test.yaml", null, Map.<String, String>of()::get).journal().path())
                .isEqualTo(dir.resolve("x.db"));
    }

    @Test
    void badValuesAreReportedAtTheirPosition() {
        assertThatThrownBy(() -> parse("journal: on\n" + REST))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("candor.yaml:1:10: journal: expected off or a mapping with 'path', 'keep' and"
                        + " 'max_size', found 'on'");
        assertThatThrownBy(() -> parse("journal:\n  keep: 7 days\n" + REST))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("candor.yaml:2:9: journal.keep:");
        assertThatThrownBy(() -> parse("journal:\n  max_size: 64KiB\n" + REST))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("candor.yaml:2:13: journal.max_size: must be 0 (no limit) or at least 1MiB");
        assertThatThrownBy(() -> parse("journal:\n  size: 1MiB\n" + REST))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("candor.yaml:2:3");
    }

    @Test
    void changedKeysAreListedOldToNewWithTokensHidden() {
        var changes = ConfigChanges.between("""
                admin: {token: old}
                upstreams:
                  app:
                    timeouts: {response: 30s}
                    endpoints: [{address: "10.0.0.1:80"}, {address: "10.0.0.2:80"}]
                """, """
                admin: {token: new}
                upstreams:
                  app:
                    timeouts: {response: 3s}
                    endpoints: [{address: "10.0.0.1:80"}]
                """);

        assertThat(changes).containsExactly(
                new ConfigChanges.Change("admin.token", "(hidden)", "(hidden)"),
                new ConfigChanges.Change("upstreams.app.timeouts.response", "30s", "3s"),
                new ConfigChanges.Change("upstreams.app.endpoints[1].address", "10.0.0.2:80", null));
    }
}
