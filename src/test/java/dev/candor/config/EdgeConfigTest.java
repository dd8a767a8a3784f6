package dev.candor.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md, the SPEC §10 keys: defaults, every form they take, and what is refused where. */
class EdgeConfigTest {

    private static CandorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", null, Map.<String, String>of()::get);
    }

    @Test
    void defaultsTrustNoProxyKeepBucketsLocalAndLimitHeadersTo100() throws ConfigException {
        CandorConfig c = parse("""
                routes: [{upstream: app}]
                upstreams: { app: { endpoints: [{address: "127.0.0.1:1"}] } }
                """);

        assertThat(c.edge()).isEqualTo(EdgeConfig.DEFAULTS);
        assertThat(c.limits().maxHeaderCount()).isEqualTo(100);
        assertThat(c.limits().maxConnectionsPerIp()).isZero();
        assertThat(c.listeners().get(0).proxyProtocol()).isFalse();
        assertThat(c.routes().get(0).access()).isNull();
        assertThat(c.routes().get(0).rateLimit()).isNull();
    }

    @Test
    void everyKeyOfSection10IsRead() throws ConfigException {
        CandorConfig c = parse("""
                trusted_proxies: [10.0.0.0/8, "fd00::/8", 192.0.2.1]
                rate_limit_store: local
                listeners:
                  - address: 127.0.0.1:0
                    proxy_protocol: true
                limits: { max_header_count: 50, max_connections_per_ip: 20 }
                routes:
                  - match: { path_prefix: /api/ }
                    upstream: app
                    access:
                      allow: [10.0.0.0/8, "2001:db8::/32"]
                      deny: [10.0.5.0/24]
                    rate_limit: { rate: 100/s, burst: 200, key: client_ip }
                  - upstream: app
                    rate_limit: { rate: 30/m, key: header(X-Api-Key) }
                upstreams: { app: { endpoints: [{address: "127.0.0.1:1"}] } }
                """);

        assertThat(c.edge().trustedProxies()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"),
                Cidr.parse("192.0.2.1/32"));
        assertThat(c.edge().rateLimitStore()).isNull();
        assertThat(c.listeners().get(0).proxyProtocol()).isTrue();
        assertThat(c.limits().maxHeaderCount()).isEqualTo(50);
        assertThat(c.limits().maxConnectionsPerIp()).isEqualTo(20);
        RouteConfig api = c.routes().get(0);
        assertThat(api.access()).isEqualTo(new AccessConfig(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")),
                List.of(Cidr.parse("10.0.5.0/24"))));
        assertThat(api.rateLimit()).isEqualTo(new RateLimitConfig(100, Duration.ofSeconds(1), 200, null));
        // burst defaults to one period's worth; header names are compared case-insensitively
        assertThat(c.routes().get(1).rateLimit()).isEqualTo(new RateLimitConfig(30, Duration.ofMinutes(1), 30, "x-api-key"));
    }

    @Test
    void mistakesAreReportedWithLineAndColumn() {
        assertThat(ConfigProblemsTest.problems("""
                trusted_proxies: [10.0.0.0/33, proxy.internal]
                rate_limit_store: memcached://x
                limits: { max_header_count: -1 }
                listeners:
                  - address: 127.0.0.1:0
                    proxy_protocol: maybe
                routes:
                  - upstream: app
                    access:
                      allow: []
                      deny: [10.0.5.1/24]
                  - upstream: app
                    rate_limit: { rate: 100/h, key: cookie(id) }
                  - upstream: app
                    rate_limit: { burst: 0 }
                upstreams: { app: { endpoints: [{address: "127.0.0.1:1"}] } }
                """)).containsExactly(
                "1:19: trusted_proxies[0]: '10.0.0.0/33': the prefix length must be 0 to 32",
                "1:32: trusted_proxies[1]: 'proxy.internal' is not an IP address or CIDR block (e.g. 10.0.0.0/8 or 2001:db8::/32)",
                "2:19: rate_limit_store: expected local or redis://HOST:PORT, found 'memcached://x'",
                "3:29: limits.max_header_count: must be at least 0, was -1",
                "6:21: listeners[0].proxy_protocol: expected true or false, found 'maybe'",
                "10:14: routes[0].access.allow: empty list: nobody could use the route; remove 'allow' to let every address in",
                "11:14: routes[0].access.deny[0]: '10.0.5.1/24' has bits set past its /24 prefix; the block is 10.0.5.0/24",
                "13:25: routes[1].rate_limit.rate: expected requests per second or minute such as 100/s or 30/m, found '100/h'",
                "13:37: routes[1].rate_limit.key: expected client_ip or header(NAME), found 'cookie(id)'",
                "15:17: routes[2].rate_limit: missing required key 'rate'",
                "15:26: routes[2].rate_limit.burst: must be at least 1, was 0");
    }

    @Test
    void aRedisStoreNamesHostAndPort() throws ConfigException {
        CandorConfig c = parse("""
                rate_limit_store: redis://10.0.0.7:6379
                routes: [{upstream: app}]
                upstreams: { app: { endpoints: [{address: "127.0.0.1:1"}] } }
                """);

        assertThat(c.edge().rateLimitStore()).isEqualTo(new HostPort("10.0.0.7", 6379));
        assertThat(ConfigProblemsTest.problems("""
                rate_limit_store: redis://cache.internal
                routes: [{upstream: app}]
                upstreams: { app: { endpoints: [{address: "127.0.0.1:1"}] } }
                """)).singleElement().asString().startsWith("1:19: rate_limit_store: 'redis://cache.internal': ");
    }
}
