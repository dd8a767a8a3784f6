package dev.candor.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.candor.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code upstreams.NAME.outlier_detection}: parsed into {@link OutlierConfig}, every mistake located. */
class OutlierDetectionConfigTest {

    // Four lines; what a test appends starts at line 5, indented as keys of upstream 'app'.
    private static final String APP = """
            routes: [{upstream: app}]
            upstreams:
              app:
                endpoints: [{address: "localhost:9000"}]
            """;

    @Test
    void everyKeyIsParsed() throws Exception {
        assertThat(outlierDetection("""
                    outlier_detection:
                      consecutive_failures: 3
                      count_5xx: true
                      base_ejection: 10s
                      max_ejection: 2m
                      max_ejected_percent: 100
                """)).isEqualTo(new OutlierConfig(3, true, Duration.ofSeconds(10), Duration.ofMinutes(2), 100));
    }

    @Test
    void itIsOnWithTheDefaultsUnlessSaidOtherwise() throws Exception {
        assertThat(outlierDetection("")).isEqualTo(OutlierConfig.DEFAULTS);
        assertThat(outlierDetection("    outlier_detection:\n")).isEqualTo(OutlierConfig.DEFAULTS);
        assertThat(outlierDetection("    outlier_detection: {count_5xx: true}\n"))
                .isEqualTo(new OutlierConfig(5, true, Duration.ofSeconds(30), Duration.ofMinutes(5), 50));
    }

    @Test
    void offTurnsItOff() throws Exception {
        OutlierConfig off = outlierDetection("    outlier_detection: off\n");

        assertThat(off).isEqualTo(OutlierConfig.OFF);
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void zeroConsecutiveFailuresIsTheSameAsOff() throws Exception {
        assertThat(outlierDetection("    outlier_detection: {consecutive_failures: 0, base_ejection: 0}\n"))
                .isEqualTo(OutlierConfig.OFF);
    }

    @Test
    void maxEjectionMayEqualBaseEjection() throws Exception {
        assertThat(outlierDetection("    outlier_detection: {base_ejection: 1m, max_ejection: 1m}\n").maxEjection())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void everyWrongValueIsReportedAtTheValue() {
        assertThat(problems(APP + """
                    outlier_detection:
                      consecutive_failures: -1
                      count_5xx: yes
                      base_ejection: 0
                      max_ejection: soon
                      max_ejected_percent: 101
                """)).containsExactly(
                "6:29: upstreams.app.outlier_detection.consecutive_failures: must be at least 0, was -1",
                "7:18: upstreams.app.outlier_detection.count_5xx: expected true or false, found 'yes'",
                "8:22: upstreams.app.outlier_detection.base_ejection: must be more than 0"
                        + " (to turn outlier detection off, write outlier_detection: off)",
                "9:21: upstreams.app.outlier_detection.max_ejection: 'soon' is not a duration"
                        + " (use e.g. 250ms, 2s, 5m or 1h30m)",
                "10:28: upstreams.app.outlier_detection.max_ejected_percent: must be at most 100, was 101");
    }

    @Test
    void onlyOffIsAShorthand() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    outlier_detection: on
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    outlier_detection: [off]
                """)).containsExactly(
                "5:24: upstreams.a.outlier_detection: expected off or a mapping of keys, found 'on'",
                "8:24: upstreams.b.outlier_detection: expected off or a mapping of keys, found a list");
    }

    @Test
    void aMaxEjectionShorterThanTheBaseIsReportedAtWhicheverWasWritten() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    outlier_detection: {base_ejection: 1m, max_ejection: 30s}
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    outlier_detection: {max_ejection: 10s}
                  c:
                    endpoints: [{address: "localhost:9000"}]
                    outlier_detection: {base_ejection: 10m}
                """)).containsExactly(
                "5:58: upstreams.a.outlier_detection.max_ejection: must not be shorter than base_ejection (1m), was 30s",
                "8:39: upstreams.b.outlier_detection.max_ejection: must not be shorter than base_ejection"
                        + " (30s, the default), was 10s",
                "11:40: upstreams.c.outlier_detection.base_ejection: must not be longer than max_ejection"
                        + " (5m, the default), was 10m");
    }

    @Test
    void anUnknownKeyListsTheOutlierDetectionKeys() {
        assertThat(problems(APP + "    outlier_detection: {count5xx: true}\n")).containsExactly(
                "5:25: unknown key 'count5xx' in upstreams.app.outlier_detection (expected one of: consecutive_failures,"
                        + " count_5xx, base_ejection, max_ejection, max_ejected_percent)");
    }

    private static OutlierConfig outlierDetection(String upstreamKeys) throws ConfigException {
        return ConfigLoader.parse(APP + upstreamKeys, "test.yaml", null, Map.<String, String>of()::get)
                .upstreams().get("app").outlierDetection();
    }
}
