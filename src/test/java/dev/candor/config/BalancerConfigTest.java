package dev.candor.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.candor.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code upstreams.NAME.balancer}: every policy's spelling, the hash policies' names, every mistake located. */
class BalancerConfigTest {

    private static final String ALL = "round_robin, weighted_round_robin, random, least_request, ip_hash,"
            + " header_hash(NAME), cookie_hash(NAME)";

    @Test
    void everyPolicyIsSpeltAsInTheDocs() throws Exception {
        assertThat(balancer("round_robin")).isEqualTo(BalancerConfig.ROUND_ROBIN);
        assertThat(balancer("weighted_round_robin"))
                .isEqualTo(new BalancerConfig(BalancerConfig.Kind.WEIGHTED_ROUND_ROBIN, null));
        assertThat(balancer("random")).isEqualTo(new BalancerConfig(BalancerConfig.Kind.RANDOM, null));
        assertThat(balancer("least_request")).isEqualTo(new BalancerConfig(BalancerConfig.Kind.LEAST_REQUEST, null));
        assertThat(balancer("ip_hash")).isEqualTo(new BalancerConfig(BalancerConfig.Kind.IP_HASH, null));
    }

    @Test
    void theHashPoliciesKeepTheHeaderOrCookieNameAsWritten() throws Exception {
        BalancerConfig header = balancer("header_hash(X-User)");
        BalancerConfig cookie = balancer("cookie_hash(session_ID)");

        assertThat(header).isEqualTo(new BalancerConfig(BalancerConfig.Kind.HEADER_HASH, "X-User"));
        assertThat(header).hasToString("header_hash(X-User)");
        assertThat(cookie).isEqualTo(new BalancerConfig(BalancerConfig.Kind.COOKIE_HASH, "session_ID"));
        assertThat(cookie).hasToString("cookie_hash(session_ID)");
    }

    @Test
    void withoutABalancerItIsRoundRobin() throws Exception {
        assertThat(ConfigLoader.parse("""
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """, "test.yaml", null, Map.<String, String>of()::get).upstreams().get("app").balancer())
                .isEqualTo(BalancerConfig.ROUND_ROBIN);
    }

    @Test
    void aHashPolicyWithoutANameIsReportedAtTheValue() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: header_hash
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: header_hash()
                  c:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: cookie_hash
                """)).containsExactly(
                "5:15: upstreams.a.balancer: 'header_hash' needs a header name: header_hash(NAME), e.g. header_hash(X-User)",
                "8:15: upstreams.b.balancer: 'header_hash()' needs a header name: header_hash(NAME), e.g. header_hash(X-User)",
                "11:15: upstreams.c.balancer: 'cookie_hash' needs a cookie name: cookie_hash(NAME), e.g. cookie_hash(session)");
    }

    @Test
    void headerAndCookieNamesMustBeTokens() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: header_hash(X User)
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: "header_hash(X-User:)"
                  c:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: cookie_hash(a=b)
                """)).containsExactly(
                "5:15: upstreams.a.balancer: 'header_hash(X User)': 'X User' is not a valid header name"
                        + " (use letters, digits and !#$%&'*+-.^_`|~)",
                "8:15: upstreams.b.balancer: 'header_hash(X-User:)': 'X-User:' is not a valid header name"
                        + " (use letters, digits and !#$%&'*+-.^_`|~)",
                "11:15: upstreams.c.balancer: 'cookie_hash(a=b)': 'a=b' is not a valid cookie name"
                        + " (use letters, digits and !#$%&'*+-.^_`|~)");
    }

    @Test
    void aNameOnAPolicyThatTakesNoneIsReported() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: ip_hash(X-Forwarded-For)
                """)).containsExactly(
                "5:15: upstreams.a.balancer: 'ip_hash(X-Forwarded-For)': ip_hash takes no name (write ip_hash)");
    }

    @Test
    void anUnknownPolicyListsEveryPolicy() {
        assertThat(problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: fastest
                  b:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: Round_Robin
                  c:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: header_hash(X-User
                """)).containsExactly(
                "5:15: upstreams.a.balancer: 'fastest' is not a balancer (expected one of: " + ALL + ")",
                "8:15: upstreams.b.balancer: 'Round_Robin' is not a balancer (expected one of: " + ALL + ")",
                "11:15: upstreams.c.balancer: 'header_hash(X-User' is not a balancer (expected one of: " + ALL + ")");
    }

    private static BalancerConfig balancer(String value) throws ConfigException {
        return ConfigLoader.parse("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                    balancer: %s
                """.formatted(value), "test.yaml", null, Map.<String, String>of()::get).upstreams().get("app").balancer();
    }
}
