package dev.candor.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigPathTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "upstreams.api.timeouts.connect | upstreams.api.timeouts",
            "routes[0].match                | routes[0]",
            "routes[0]                      | routes",
            "routes                         | ''",
            "upstreams[\"api.v2\"]            | upstreams",
            "upstreams[\"api.v2\"].pool       | upstreams[\"api.v2\"]",
            "upstreams[\"a\\\"[\\\"b\"]         | upstreams",
    })
    void theParentOfAPathDropsItsLastSegment(String path, String parent) {
        assertThat(ConfigPath.parent(path)).isEqualTo(parent);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''        | listeners | listeners",
            "upstreams | api       | upstreams.api",
            "upstreams | api.v2    | upstreams[\"api.v2\"]",
            "upstreams | my \"app\"  | upstreams[\"my \\\"app\\\"\"]",
    })
    void keysThatAreNotPlainAreQuoted(String parent, String key, String path) {
        assertThat(ConfigPath.child(parent, key)).isEqualTo(path);
    }
}
