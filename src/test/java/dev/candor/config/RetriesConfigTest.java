package dev.candor.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static dev.candor.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code upstreams.NAME.retries}: parsed into {@link RetryConfig}, every mistake located. */
class RetriesConfigTest {

    // Four lines; what a test appends starts at line 5, indented as keys of upstream 'app'.
    private static final String APP = """
            routes: [{upstream: app}]
            upstreams:
              app:
                endpoints: [{address: "localhost:9000"}]
            """;

    @Test
    void everyKeyIsParsed() throws Exception {
        assertThat(retries("""
                    retries:
                      attempts: 2
                      on: [connect_failure, connection_terminated_idempotent, response_timeout_idempotent,
                           status_5xx_idempotent]
                      budget_percent: 10
                      per_try_timeout: 5s
                """)).isEqualTo(new RetryConfig(2, Set.of(RetryConfig.On.values()), 10, Duration.ofSeconds(5)));
    }

    @Test
    void oneRetryOnConnectFailureIsTheDefault() throws Exception {
        assertThat(retries("")).isEqualTo(RetryConfig.DEFAULTS);
        assertThat(retries("    retries:\n")).isEqualTo(RetryConfig.DEFAULTS);
        assertThat(retries("    retries: {attempts: 3}\n"))
                .isEqualTo(new RetryConfig(3, Set.of(RetryConfig.On.CONNECT_FAILURE), 20, Duration.ZERO));
    }

    @Test
    void zeroMeansNoRetriesNoBudgetAndTheResponseTimeout() throws Exception {
        assertThat(retries("    retries: {attempts: 0, budget_percent: 0, per_try_timeout: 0}\n"))
                .isEqualTo(new RetryConfig(0, Set.of(RetryConfig.On.CONNECT_FAILURE), 0, Duration.ZERO));
    }

    @Test
    void aConditionListedTwiceCountsOnce() throws Exception {
        assertThat(retries("    retries: {on: [connect_failure, connect_failure]}\n").on())
                .containsExactly(RetryConfig.On.CONNECT_FAILURE);
    }

    @Test
    void thePerTryTimeoutMayEqualTheResponseTimeoutOrStandAloneWhenThatIsOff() throws Exception {
        assertThat(retries("    timeouts: {response: 10s}\n    retries: {per_try_timeout: 10s}\n").perTryTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(retries("    timeouts: {response: 0}\n    retries: {per_try_timeout: 1h}\n").perTryTimeout())
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void everyWrongValueIsReportedAtTheValue() {
        assertThat(problems(APP + """
                    retries:
                      attempts: 11
                      on: [connect_failure, status_5xx, null]
                      budget_percent: -1
                      per_try_timeout: 1m
                """)).containsExactly(
                "6:17: upstreams.app.retries.attempts: must be at most 10, was 11",
                "7:29: upstreams.app.retries.on[1]: 'status_5xx' is not a retry condition (expected one of:"
                        + " connect_failure, connection_terminated_idempotent, response_timeout_idempotent,"
                        + " status_5xx_idempotent)",
                "7:41: upstreams.app.retries.on[2]: empty entry; expected one of: connect_failure,"
                        + " connection_terminated_idempotent, response_timeout_idempotent, status_5xx_idempotent",
                "8:23: upstreams.app.retries.budget_percent: must be at least 0, was -1",
                "9:24: upstreams.app.retries.per_try_timeout: must not be longer than timeouts.response (30s), was 1m");
    }

    @Test
    void negativeAttemptsAnEmptyListAndASingleConditionAreReported() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    retries: {attempts: -1, on: []}
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    retries: {on: connect_failure}
                """)).containsExactly(
                "5:25: upstreams.a.retries.attempts: must be at least 0, was -1",
                "5:33: upstreams.a.retries.on: empty list; remove the key for the default,"
                        + " or set attempts: 0 to turn retries off",
                "8:19: upstreams.b.retries.on: expected a list, found 'connect_failure'");
    }

    @Test
    void aPerTryTimeoutIsComparedWithTheResponseTimeoutOnlyWhenThatOneIsValid() {
        assertThat(problems(APP + """
                    timeouts: {response: 10s}
                    retries: {per_try_timeout: 11s}
                """)).containsExactly(
                "6:32: upstreams.app.retries.per_try_timeout: must not be longer than timeouts.response (10s), was 11s");
        assertThat(problems(APP + """
                    timeouts: {response: 10}
                    retries: {per_try_timeout: 1m}
                """)).containsExactly(
                "5:26: upstreams.app.timeouts.response: '10' has no unit (write e.g. 10s or 10ms)");
    }

    private static RetryConfig retries(String upstreamKeys) throws ConfigException {
        return ConfigLoader.parse(APP + upstreamKeys, "test.yaml", null, Map.<String, String>of()::get)
                .upstreams().get("app").retries();
    }
}
