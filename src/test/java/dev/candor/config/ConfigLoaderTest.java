package dev.candor.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void theGoldenFileParsesIntoTheExpectedRecords() throws Exception {
        CandorConfig config = ConfigLoader.parse(resource("full.yaml"), "full.yaml", null, NO_ENV::get);

        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        upstreams.put("api", new UpstreamConfig("api",
                List.of(new EndpointConfig(new HostPort("10.0.0.11", 8080), 2),
                        new EndpointConfig(new HostPort("api-2.internal", 8080), 1),
                        new EndpointConfig(new HostPort("::1", 8081), 1)),
                new BalancerConfig(BalancerConfig.Kind.WEIGHTED_ROUND_ROBIN, null),
                new TimeoutsConfig(Duration.ofSeconds(2), Duration.ofSeconds(90), Duration.ZERO),
                new PoolConfig(0, Duration.ofSeconds(50), 100),
                new HealthCheckConfig(HealthCheckConfig.Mode.HTTP, "/healthz", "api.internal", Duration.ofSeconds(10),
                        Duration.ofSeconds(2), 1, 4, 200, 299),
                new OutlierConfig(3, true, Duration.ofSeconds(10), Duration.ofMinutes(2), 34),
                new RetryConfig(2, Set.of(RetryConfig.On.values()), 10, Duration.ofSeconds(30)),
                UpstreamConfig.AllUnhealthy.FAIL));
        upstreams.put("web", new UpstreamConfig("web",
                List.of(new EndpointConfig(new HostPort("web.internal", 80), 1)),
                new BalancerConfig(BalancerConfig.Kind.LEAST_REQUEST, null), TimeoutsConfig.DEFAULTS, PoolConfig.DEFAULTS,
                new HealthCheckConfig(HealthCheckConfig.Mode.TCP, null, null, Duration.ofSeconds(5), Duration.ofSeconds(1),
                        2, 3, 200, 399),
                OutlierConfig.OFF,
                new RetryConfig(0, Set.of(RetryConfig.On.CONNECT_FAILURE), 20, Duration.ZERO),
                UpstreamConfig.AllUnhealthy.PANIC));
        upstreams.put("sessions", new UpstreamConfig("sessions",
                List.of(new EndpointConfig(new HostPort("10.0.1.1", 8080), 1),
                        new EndpointConfig(new HostPort("10.0.1.2", 8080), 1)),
                new BalancerConfig(BalancerConfig.Kind.COOKIE_HASH, "SESSIONID"), TimeoutsConfig.DEFAULTS,
                PoolConfig.DEFAULTS));
        CandorConfig expected = new CandorConfig(
                null,
                List.of(new ListenerConfig("public", new HostPort("0.0.0.0", 8080)),
                        new ListenerConfig("127.0.0.1:0", new HostPort("127.0.0.1", 0))),
                AdminConfig.DEFAULTS,
                0,
                AccessLogConfig.STDOUT,
                ErrorsConfig.DEFAULTS,
                LimitsConfig.DEFAULTS,
                Duration.ofSeconds(30),
                List.of(new RouteConfig("api", new MatchConfig("api.example.com", "/v1/", Set.of("GET", "POST")), "api",
                                new AccessConfig(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")),
                                        List.of(Cidr.parse("10.0.5.0/24"))),
                                new RateLimitConfig(100, Duration.ofSeconds(1), 200, null)),
                        new RouteConfig("route-2", new MatchConfig("*.example.com", null, Set.of()), "web"),
                        new RouteConfig("route-3", new MatchConfig(null, "/app/", Set.of()), "sessions"),
                        new RouteConfig("route-4", new MatchConfig(null, "/", Set.of()), "web")),
                upstreams,
                DnsConfig.DEFAULTS,
                new EdgeConfig(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), null));
        assertThat(config).isEqualTo(expected);
        assertThat(config.upstreams().keySet()).containsExactly("api", "web", "sessions");
    }

    @Test
    void aMinimalFileGetsEveryDefault() throws Exception {
        CandorConfig config = parse("""
                routes:
                  - upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: localhost:9000
                """);

        assertThat(config.listeners()).containsExactly(new ListenerConfig("0.0.0.0:8080", new HostPort("0.0.0.0", 8080)));
        assertThat(config.workers()).isZero();
        assertThat(config.effectiveWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.accessLog()).isEqualTo(AccessLogConfig.STDOUT);
        assertThat(config.limits()).isEqualTo(new LimitsConfig(16 * 1024, 8 * 1024, 10 * 1024 * 1024,
                Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.routes()).containsExactly(new RouteConfig("route-1", MatchConfig.ANY, "app"));
        UpstreamConfig app = config.upstreams().get("app");
        assertThat(app.endpoints()).containsExactly(new EndpointConfig(new HostPort("localhost", 9000), 1));
        assertThat(app.balancer()).isEqualTo(BalancerConfig.ROUND_ROBIN);
        assertThat(app.timeouts()).isEqualTo(new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(60)));
        assertThat(app.pool()).isEqualTo(new PoolConfig(1024, Duration.ofSeconds(50), 1024));
        assertThat(app.healthCheck()).isNull();
        assertThat(app.outlierDetection()).isEqualTo(new OutlierConfig(5, false, Duration.ofSeconds(30),
                Duration.ofMinutes(5), 50));
        assertThat(app.retries()).isEqualTo(new RetryConfig(1, Set.of(RetryConfig.On.CONNECT_FAILURE), 20, Duration.ZERO));
        assertThat(app.whenAllUnhealthy()).isEqualTo(UpstreamConfig.AllUnhealthy.PANIC);
    }

    @Test
    void zeroIsAcceptedWhereItMeansUnlimitedOrDisabled() throws Exception {
        CandorConfig config = parse("""
                limits:
                  max_body_size: 0
                  header_read_timeout: 0
                  client_idle_timeout: 0
                  max_connections: 0
                shutdown_grace: 0
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                    timeouts: {connect: 0, response: 0, idle: 0}
                    pool: {max_connections: 0, idle_timeout: 0, max_pending: 0}
                    outlier_detection: {consecutive_failures: 0}
                    retries: {attempts: 0, budget_percent: 0, per_try_timeout: 0}
                """);

        assertThat(config.limits()).isEqualTo(new LimitsConfig(16 * 1024, 8 * 1024, 0,
                Duration.ZERO, Duration.ZERO, 0));
        assertThat(config.shutdownGrace()).isZero();
        UpstreamConfig app = config.upstreams().get("app");
        assertThat(app.timeouts()).isEqualTo(new TimeoutsConfig(Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThat(app.pool()).isEqualTo(new PoolConfig(0, Duration.ZERO, 0));
        assertThat(app.outlierDetection()).isEqualTo(OutlierConfig.OFF);
        assertThat(app.retries()).isEqualTo(new RetryConfig(0, Set.of(RetryConfig.On.CONNECT_FAILURE), 0, Duration.ZERO));
    }

    @Test
    void whenAllUnhealthyTakesPanicOrFail() throws Exception {
        String head = """
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                """;

        assertThat(parse(head + "    when_all_unhealthy: fail\n").upstreams().get("app").whenAllUnhealthy())
                .isEqualTo(UpstreamConfig.AllUnhealthy.FAIL);
        assertThat(parse(head + "    when_all_unhealthy: panic\n").upstreams().get("app").whenAllUnhealthy())
                .isEqualTo(UpstreamConfig.AllUnhealthy.PANIC);
    }

    @Test
    void limitsAcceptSizesAndDurationsWithUnits() throws Exception {
        CandorConfig config = parse("""
                limits:
                  max_header_size: 32KiB
                  max_uri_length: 4096
                  max_body_size: 1GB
                  header_read_timeout: 2500ms
                  client_idle_timeout: 2m
                  max_connections: 500
                workers: 3
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}], balancer: random}}
                """);

        assertThat(config.limits()).isEqualTo(new LimitsConfig(32 * 1024, 4096, 1_000_000_000L,
                Duration.ofMillis(2500), Duration.ofMinutes(2), 500));
        assertThat(config.workers()).isEqualTo(3);
        assertThat(config.upstreams().get("app").balancer().kind()).isEqualTo(BalancerConfig.Kind.RANDOM);
    }

    @Test
    void accessLogOffDisablesIt() throws Exception {
        CandorConfig config = parse("""
                access_log: off
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """);

        assertThat(config.accessLog()).isEqualTo(AccessLogConfig.OFF);
    }

    @Test
    void errorsExposeDefaultsToTypeAndAcceptsNoneAndDetails() throws Exception {
        String rest = """
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """;
        assertThat(parse(rest).errors()).isEqualTo(ErrorsConfig.DEFAULTS);
        assertThat(parse("errors: {expose: none}\n" + rest).errors().expose()).isEqualTo(ErrorsConfig.Expose.NONE);
        assertThat(parse("errors: {expose: details}\n" + rest).errors().expose()).isEqualTo(ErrorsConfig.Expose.DETAILS);
    }

    @Test
    void anUnknownErrorsExposeValueIsReportedAtTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("""
                errors: {expose: everything}
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:1:18: errors.expose: expected none, type or details, found 'everything'");
    }

    @Test
    void accessLogToStderrIsKeptAsIs() throws Exception {
        CandorConfig config = parse("""
                access_log: {path: stderr}
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """);

        assertThat(config.accessLog()).isEqualTo(new AccessLogConfig(true, "stderr"));
    }

    @Test
    void aRelativeAccessLogPathIsResolvedAgainstTheConfigFileDirectory() throws Exception {
        String yaml = """
                access_log: {path: logs/access.log}
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """;
        Path source = Path.of("/etc/candor/candor.yaml");

        CandorConfig config = ConfigLoader.parse(yaml, "candor.yaml", source, NO_ENV::get);

        assertThat(config.accessLog()).isEqualTo(new AccessLogConfig(true, Path.of("/etc/candor/logs/access.log").toString()));
        assertThat(config.source()).isEqualTo(source);
    }

    @Test
    void aRelativeAccessLogPathStaysRelativeWithoutASourceFile() throws Exception {
        CandorConfig config = parse("""
                access_log: {path: logs/access.log}
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """);

        assertThat(config.accessLog()).isEqualTo(new AccessLogConfig(true, Path.of("logs/access.log").toString()));
    }

    @Test
    void hostsAreStoredInLowerCaseAndMethodsInUpperCase() throws Exception {
        CandorConfig config = parse("""
                routes:
                  - match: {host: "*.Example.COM", methods: [get, Purge]}
                    upstream: app
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """);

        assertThat(config.routes().get(0).match()).isEqualTo(new MatchConfig("*.example.com", null, Set.of("GET", "PURGE")));
    }

    @Test
    void upstreamNamesMayContainDotsDashesAndUnderscores() throws Exception {
        CandorConfig config = parse("""
                routes: [{upstream: api.v2_beta-1}]
                upstreams:
                  api.v2_beta-1:
                    endpoints: [{address: "localhost:9000"}]
                """);

        assertThat(config.upstreams()).containsOnlyKeys("api.v2_beta-1");
    }

    private static CandorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", null, NO_ENV::get);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/config/" + name)) {
            assertThat(in).as("resource /config/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
