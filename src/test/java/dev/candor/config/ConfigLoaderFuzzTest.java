package dev.candor.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any text as a config file: it loads, or it is refused with problems that each point at a line and
 * column inside the file. Nothing else may come out of the loader (no stray exception, no problem
 * without a place), because `candor check` and a reload print exactly these.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aConfigLoadsOrIsRefusedWithLocatedProblems(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        try {
            CandorConfig config = ConfigLoader.parse(yaml, "fuzz.yaml", null, Map.of("PORT", "8080")::get);
            assertThat(config.listeners()).isNotEmpty();
        } catch (ConfigException refused) {
            long lines = yaml.lines().count();
            assertThat(refused.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.file()).isEqualTo("fuzz.yaml");
                assertThat(p.line()).isBetween(1, (int) Math.max(1, lines + 1));
                assertThat(p.column()).isPositive();
                assertThat(p.message()).isNotBlank();
            });
        }
    }
}
