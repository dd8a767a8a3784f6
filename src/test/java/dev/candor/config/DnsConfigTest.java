package dev.candor.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md "dns" and "upstreams.NAME.dns": defaults, the SRV form, and what is refused. */
class DnsConfigTest {

    private static CandorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", null, Map.<String, String>of()::get);
    }

    @Test
    void defaultsUseTheSystemResolversWithATwoSecondTimeoutAndFiveStaleMinutes() throws ConfigException {
        CandorConfig c = parse("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "api.internal:8080"}]
                """);

        assertThat(c.dns()).isEqualTo(DnsConfig.DEFAULTS);
        assertThat(c.dns().resolvers()).isEmpty();
        assertThat(c.dns().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.dns().staleFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.upstreams().get("app").dns()).isEqualTo(new UpstreamDnsConfig(Duration.ofSeconds(30), null));
    }

    @Test
    void resolversTakeAnOptionalPortAndAnSrvUpstreamNeedsNoEndpoints() throws ConfigException {
        CandorConfig c = parse("""
                dns:
                  resolvers: [127.0.0.1, "10.0.0.2:5353", "[::1]:53", "[fd00::2]"]
                  timeout: 500ms
                  stale_for: 0s
                routes: [{upstream: app}]
                upstreams:
                  app:
                    dns: { refresh: 10s, srv: _http._tcp.api.service.consul. }
                """);

        assertThat(c.dns().resolvers()).containsExactly(new HostPort("127.0.0.1", 53), new HostPort("10.0.0.2", 5353),
                new HostPort("::1", 53), new HostPort("fd00::2", 53));
        assertThat(c.dns().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.dns().staleFor()).isZero();
        UpstreamConfig app = c.upstreams().get("app");
        assertThat(app.endpoints()).isEmpty();
        assertThat(app.dns()).isEqualTo(new UpstreamDnsConfig(Duration.ofSeconds(10), "_http._tcp.api.service.consul"));
    }

    @Test
    void mistakesAreReportedWithLineAndColumn() {
        assertThat(ConfigProblemsTest.problems("""
                dns:
                  resolvers: [dns.google, "127.0.0.1:0"]
                  timeout: 0s
                routes: [{upstream: a}]
                upstreams:
                  a:
                    endpoints: [{address: "x:80"}]
                    dns: { srv: _http._tcp.a.consul }
                  b:
                    dns: { srv: "not a name" }
                  c:
                    endpoints: [{address: "bad..name:80"}]
                    dns: { refresh: often }
                """)).containsExactly(
                "2:15: dns.resolvers[0]: 'dns.google' is not an IP address; a resolver must be given by address"
                        + " (e.g. 127.0.0.1:53 or [::1]:53)",
                "2:27: dns.resolvers[1]: '127.0.0.1:0': port 0 is not allowed here (expected 1-65535)",
                "3:12: dns.timeout: must be more than 0",
                "7:16: upstreams.a.endpoints: both 'endpoints' and 'dns.srv' are given; list endpoints or name an SRV"
                        + " record, not both",
                "10:17: upstreams.b.dns.srv: 'not a name' is not a DNS name (expected e.g. _http._tcp.api.service.consul)",
                "12:27: upstreams.c.endpoints[0].address: 'bad..name' is neither an IP address nor a valid DNS name",
                "13:21: upstreams.c.dns.refresh: 'often' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)");
    }

    @Test
    void anUpstreamWithNeitherEndpointsNorSrvSaysBothWays() {
        assertThat(ConfigProblemsTest.problems("""
                routes: [{upstream: a}]
                upstreams:
                  a:
                    dns: { refresh: 5s }
                """)).containsExactly(
                "3:3: upstreams.a: no endpoints; add at least one under 'endpoints' or name an SRV record under 'dns.srv'");
    }

    @Test
    void theValidatorKnowsDnsNames() {
        assertThat(List.of("api.internal", "_http._tcp.x.consul", "a-b.c", "localhost"))
                .allMatch(DnsValidator::isDnsName);
        assertThat(List.of("", "a..b", "-a.b", "a b", "x".repeat(64) + ".com")).noneMatch(DnsValidator::isDnsName);
    }
}
