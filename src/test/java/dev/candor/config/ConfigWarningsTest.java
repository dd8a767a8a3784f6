package dev.candor.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigWarningsTest {

    private static List<String> warnings(String yaml) throws ConfigException {
        return ConfigWarnings.of(ConfigLoader.parse(yaml, "test.yaml", null, name -> null));
    }

    @Test
    void aCleanConfigHasNoWarnings() throws Exception {
        assertThat(warnings("""
                routes: [{match: {path_prefix: /api/}, upstream: api}, {upstream: web}]
                upstreams:
                  api: {endpoints: [{address: "127.0.0.1:9000"}]}
                  web: {endpoints: [{address: "127.0.0.1:9001"}]}
                """)).isEmpty();
    }

    @Test
    void aRouteAfterACatchAllCanNeverMatch() throws Exception {
        assertThat(warnings("""
                routes: [{name: all, upstream: web}, {name: api, match: {path_prefix: /api/}, upstream: web}]
                upstreams: {web: {endpoints: [{address: "127.0.0.1:9001"}]}}
                """)).containsExactly("routes.api can never match: route 'all' before it matches every request (first match wins)");
    }

    @Test
    void anUnusedUpstreamIsPointedOut() throws Exception {
        assertThat(warnings("""
                routes: [{upstream: web}]
                upstreams:
                  web: {endpoints: [{address: "127.0.0.1:9001"}]}
                  old: {endpoints: [{address: "127.0.0.1:9002"}]}
                """)).containsExactly("upstreams.old is not used by any route");
    }

    @Test
    void aResponseTimeoutBelowTheHealthCheckTimeoutIsPointedOut() throws Exception {
        assertThat(warnings("""
                routes: [{upstream: web}]
                upstreams:
                  web:
                    endpoints: [{address: "127.0.0.1:9001"}]
                    timeouts: {response: 500ms}
                    health_check: {path: /healthz, interval: 5s, timeout: 2s}
                """)).singleElement().asString().contains("timeouts.response (500ms) is below health_check.timeout (2s)");
    }

    @Test
    void aLongPoolIdleTimeoutIsPointedOut() throws Exception {
        assertThat(warnings("""
                routes: [{upstream: web}]
                upstreams:
                  web:
                    endpoints: [{address: "127.0.0.1:9001"}]
                    pool: {idle_timeout: 2m}
                """)).singleElement().asString().contains("pool.idle_timeout is 2m");
    }
}
