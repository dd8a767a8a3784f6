package dev.candor.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.candor.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code upstreams.NAME.health_check}: parsed into {@link HealthCheckConfig}, every mistake located. */
class HealthCheckConfigTest {

    // Four lines; what a test appends starts at line 5, indented as keys of upstream 'app'.
    private static final String APP = """
            routes: [{upstream: app}]
            upstreams:
              app:
                endpoints: [{address: "localhost:9000"}]
            """;

    @Test
    void everyKeyIsParsed() throws Exception {
        assertThat(healthCheck("""
                    health_check:
                      type: http
                      path: /healthz?full=1
                      host: api.internal
                      interval: 10s
                      timeout: 2s
                      healthy_threshold: 1
                      unhealthy_threshold: 5
                      expect_status: 200-299
                """)).isEqualTo(new HealthCheckConfig(HealthCheckConfig.Mode.HTTP, "/healthz?full=1", "api.internal",
                Duration.ofSeconds(10), Duration.ofSeconds(2), 1, 5, 200, 299));
    }

    @Test
    void aPathAloneGetsTheDefaults() throws Exception {
        HealthCheckConfig check = healthCheck("    health_check: {path: /healthz}\n");

        assertThat(check).isEqualTo(HealthCheckConfig.http("/healthz"));
        assertThat(check).isEqualTo(new HealthCheckConfig(HealthCheckConfig.Mode.HTTP, "/healthz", null,
                Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3, 200, 399));
    }

    @Test
    void withoutHealthCheckThereAreNoActiveChecks() throws Exception {
        assertThat(healthCheck("")).isNull();
        assertThat(healthCheck("    health_check:\n")).isNull();
    }

    @Test
    void aTcpCheckNeedsNoPath() throws Exception {
        assertThat(healthCheck("    health_check: {type: tcp, interval: 2s, timeout: 500ms}\n"))
                .isEqualTo(new HealthCheckConfig(HealthCheckConfig.Mode.TCP, null, null,
                        Duration.ofSeconds(2), Duration.ofMillis(500), 2, 3, 200, 399));
    }

    @Test
    void expectStatusTakesASingleStatusOrARange() throws Exception {
        HealthCheckConfig single = healthCheck("    health_check: {path: /, expect_status: 204}\n");
        HealthCheckConfig range = healthCheck("    health_check: {path: /, expect_status: 100-599}\n");

        assertThat(single.expectStatusFrom()).isEqualTo(204);
        assertThat(single.expectStatusTo()).isEqualTo(204);
        assertThat(single.passes(204)).isTrue();
        assertThat(single.passes(200)).isFalse();
        assertThat(range.expectStatusFrom()).isEqualTo(100);
        assertThat(range.expectStatusTo()).isEqualTo(599);
    }

    @Test
    void theHostMayCarryAPortOrBeAnIpv6Literal() throws Exception {
        assertThat(healthCheck("    health_check: {path: /, host: \"api.internal:8443\"}\n").host())
                .isEqualTo("api.internal:8443");
        assertThat(healthCheck("    health_check: {path: /, host: \"[::1]:8080\"}\n").host()).isEqualTo("[::1]:8080");
    }

    @Test
    void aTimeoutAsLongAsTheIntervalIsAllowed() throws Exception {
        assertThat(healthCheck("    health_check: {path: /, interval: 1s, timeout: 1s}\n").timeout())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyWrongValueIsReportedAtTheValue() {
        assertThat(problems(APP + """
                    health_check:
                      path: healthz
                      interval: 0
                      timeout: 0
                      healthy_threshold: 0
                      unhealthy_threshold: -1
                      expect_status: 2xx
                """)).containsExactly(
                "6:13: upstreams.app.health_check.path: 'healthz' must start with '/'",
                "7:17: upstreams.app.health_check.interval: must be more than 0",
                "8:16: upstreams.app.health_check.timeout: must be more than 0",
                "9:26: upstreams.app.health_check.healthy_threshold: must be at least 1, was 0",
                "10:28: upstreams.app.health_check.unhealthy_threshold: must be at least 1, was -1",
                "11:22: upstreams.app.health_check.expect_status: '2xx' is not a status or a range of statuses"
                        + " (use e.g. 200 or 200-399)");
    }

    @Test
    void anHttpCheckWithoutAPathIsReportedAtItsMapping() {
        assertThat(problems(APP + "    health_check: {interval: 5s}\n")).containsExactly(
                "5:19: upstreams.app.health_check: missing required key 'path'");
        assertThat(problems(APP + "    health_check:\n      type: http\n      path:\n")).containsExactly(
                "7:12: upstreams.app.health_check.path: needs a value");
    }

    @Test
    void aPathWithASpaceOrAFragmentIsRejected() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: "/health check"}
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: "/health#top"}
                """)).containsExactly(
                "5:26: upstreams.a.health_check.path: '/health check' contains a space or control character"
                        + " (percent-encode it)",
                "8:26: upstreams.b.health_check.path: '/health#top' contains '#'; a request never carries a fragment");
    }

    @Test
    void anUnknownTypeIsReportedAndNothingTypeSpecificIsChecked() {
        assertThat(problems(APP + "    health_check: {type: grpc}\n")).containsExactly(
                "5:26: upstreams.app.health_check.type: expected http or tcp, found 'grpc'");
    }

    @Test
    void httpKeysOnATcpCheckAreRejected() {
        assertThat(problems(APP + """
                    health_check:
                      type: tcp
                      path: /healthz
                      host: api.internal
                      expect_status: 200
                """)).containsExactly(
                "7:13: upstreams.app.health_check.path: only http checks use this; remove it or set type: http",
                "8:13: upstreams.app.health_check.host: only http checks use this; remove it or set type: http",
                "9:22: upstreams.app.health_check.expect_status: only http checks use this; remove it or set type: http");
    }

    @Test
    void aHostThatIsNotAHostNameIsRejected() {
        assertThat(problems(APP + "    health_check: {path: /, host: \"api internal\"}\n")).containsExactly(
                "5:35: upstreams.app.health_check.host: 'api internal' is not a host name, optionally with :port");
    }

    @Test
    void aTimeoutLongerThanTheIntervalIsReportedAtWhicheverWasWritten() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, interval: 2s, timeout: 3s}
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, timeout: 6s}
                  c:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, interval: 500ms}
                """)).containsExactly(
                "5:52: upstreams.a.health_check.timeout: must not be longer than interval (2s), was 3s",
                "8:38: upstreams.b.health_check.timeout: must not be longer than interval (5s, the default), was 6s",
                "11:39: upstreams.c.health_check.interval: must not be shorter than timeout (1s, the default), was 500ms");
    }

    @Test
    void expectStatusMustBeAnOrderedRangeOfRealStatuses() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, expect_status: 99}
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, expect_status: 500-600}
                  c:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, expect_status: 399-200}
                  d:
                    endpoints: [{address: "localhost:9000"}]
                    health_check: {path: /, expect_status: "200 - 399"}
                """)).containsExactly(
                "5:44: upstreams.a.health_check.expect_status: '99': status 99 out of range 100-599",
                "8:44: upstreams.b.health_check.expect_status: '500-600': status 600 out of range 100-599",
                "11:44: upstreams.c.health_check.expect_status: '399-200' is an empty range"
                        + " (write the lower status first: 200-399)",
                "14:44: upstreams.d.health_check.expect_status: '200 - 399' is not a status or a range of statuses"
                        + " (use e.g. 200 or 200-399)");
    }

    @Test
    void anUnknownKeyListsTheHealthCheckKeys() {
        assertThat(problems(APP + "    health_check:\n      path: /\n      intervall: 5s\n")).containsExactly(
                "7:7: unknown key 'intervall' in upstreams.app.health_check (expected one of: type, path, host,"
                        + " interval, timeout, healthy_threshold, unhealthy_threshold, expect_status)");
    }

    private static HealthCheckConfig healthCheck(String upstreamKeys) throws ConfigException {
        return ConfigLoader.parse(APP + upstreamKeys, "test.yaml", null, Map.<String, String>of()::get)
                .upstreams().get("app").healthCheck();
    }
}
