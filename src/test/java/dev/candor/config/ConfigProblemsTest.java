package dev.candor.config;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every kind of mistake, reported as LINE:COL: message with the exact place. */
class ConfigProblemsTest {

    // Appended after the line under test so each case only has to spell out what is wrong.
    private static final String VALID_TAIL = """
            routes: [{upstream: app}]
            upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
            """;

    @Test
    void unknownKeyIsReportedWithLineAndColumn() {
        assertThat(problems("""
                upstreams:
                  api:
                    endpoints: [{address: "localhost:9000"}]
                    timeout: 5s
                routes: [{upstream: api}]
                """)).containsExactly(
                "4:5: unknown key 'timeout' in upstreams.api (expected one of: endpoints, balancer, timeouts, pool,"
                        + " health_check, outlier_detection, retries, when_all_unhealthy, dns, tls)");
    }

    @Test
    void unknownTopLevelKeyFromTheSpecIsMarkedAsNotSupportedYet() {
        assertThat(problems("cache:\n  max_size: 1MiB\n" + VALID_TAIL)).containsExactly(
                "1:1: unknown key 'cache' at the top level (expected one of: listeners, admin, workers, access_log, errors,"
                        + " limits, shutdown_grace, dns, trusted_proxies, rate_limit_store, journal, routes, upstreams; 'cache' is not supported yet)");
    }

    @Test
    void unknownKeyInsideAListItemNamesTheItem() {
        assertThat(problems("""
                listeners:
                  - address: 0.0.0.0:8443
                    cache: {}
                """ + VALID_TAIL)).containsExactly(
                "3:5: unknown key 'cache' in listeners[0] (expected one of: name, address, tls, redirect_to_https, proxy_protocol;"
                        + " 'cache' is not supported yet)");
    }

    @Test
    void aListWhereAValueBelongsIsAWrongType() {
        assertThat(problems("workers: [1, 2]\n" + VALID_TAIL))
                .containsExactly("1:10: workers: expected a single value, found a list");
    }

    @Test
    void aValueWhereAMappingBelongsIsAWrongType() {
        assertThat(problems("limits: 5\n" + VALID_TAIL))
                .containsExactly("1:9: limits: expected a mapping of keys, found '5'");
    }

    @Test
    void aMappingWhereAListBelongsIsAWrongType() {
        assertThat(problems("""
                routes: {upstream: app}
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """)).containsExactly("1:9: routes: expected a list, found a mapping");
    }

    @Test
    void aNumberThatIsNotWholeIsReported() {
        assertThat(problems("limits:\n  max_connections: 1.5\n" + VALID_TAIL))
                .containsExactly("2:20: limits.max_connections: '1.5' is not a whole number");
    }

    @Test
    void badDurationIsReportedWithItsPath() {
        assertThat(problems("""
                routes: [{upstream: api}]
                upstreams:
                  api:
                    endpoints: [{address: "localhost:9000"}]
                    timeouts:
                      connect: 5 seconds
                """)).containsExactly(
                "6:16: upstreams.api.timeouts.connect: '5 seconds' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)");
    }

    @Test
    void aDurationWithoutUnitAsksForOne() {
        assertThat(problems("shutdown_grace: 30\n" + VALID_TAIL))
                .containsExactly("1:17: shutdown_grace: '30' has no unit (write e.g. 30s or 30ms)");
    }

    @Test
    void badSizesAreReported() {
        assertThat(problems("""
                limits:
                  max_header_size: 16kb
                  max_uri_length: 0
                  max_body_size: 10 MiB
                """ + VALID_TAIL)).containsExactly(
                "2:20: limits.max_header_size: '16kb' has an unknown unit 'kb' (use B, KiB, MiB, GiB, KB, MB or GB;"
                        + " units are case-sensitive)",
                "3:19: limits.max_uri_length: must be at least 1 bytes, was 0",
                "4:18: limits.max_body_size: '10 MiB' is not a size (use e.g. 512, 16KiB or 10MiB)");
    }

    @Test
    void aHeaderLimitBeyondTwoGibibytesIsRejected() {
        assertThat(problems("limits: {max_header_size: 2GiB}\n" + VALID_TAIL))
                .containsExactly("1:27: limits.max_header_size: must be at most 2147483647 bytes, was 2GiB");
    }

    @Test
    void badHostPortIsReported() {
        assertThat(problems("""
                listeners:
                  - address: localhost
                  - address: "[::1]8080"
                """ + VALID_TAIL)).containsExactly(
                "2:14: listeners[0].address: 'localhost' is not host:port",
                "3:14: listeners[1].address: '[::1]8080' is not host:port (IPv6 is written [addr]:port)");
    }

    @Test
    void outOfRangeNumbersAreReported() {
        assertThat(problems("""
                workers: 0
                limits: {max_connections: -1}
                routes: [{upstream: api}]
                upstreams:
                  api:
                    endpoints:
                      - address: localhost:65536
                      - address: localhost:0
                      - address: localhost:80
                        weight: 0
                    pool: {max_connections: -5}
                """)).containsExactly(
                "1:10: workers: must be at least 1, was 0",
                "2:27: limits.max_connections: must be at least 0, was -1",
                "7:18: upstreams.api.endpoints[0].address: 'localhost:65536': port 65536 out of range 0-65535",
                "8:18: upstreams.api.endpoints[1].address: 'localhost:0': port 0 is not allowed here (expected 1-65535)",
                "10:17: upstreams.api.endpoints[2].weight: must be at least 1, was 0",
                "11:29: upstreams.api.pool.max_connections: must be at least 0, was -5");
    }

    @Test
    void workersMustBeAutoOrANumber() {
        assertThat(problems("workers: lots\n" + VALID_TAIL))
                .containsExactly("1:10: workers: expected auto or a number of threads, found 'lots'");
    }

    @Test
    void duplicateYamlKeysAreReportedAtTheSecondOccurrence() {
        assertThat(problems("workers: 2\nworkers: 3\n" + VALID_TAIL))
                .containsExactly("2:1: duplicate key 'workers' at the top level (first at line 1)");
    }

    @Test
    void duplicateUpstreamNamesAreDuplicateKeys() {
        assertThat(problems("""
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                  app:
                    endpoints: [{address: "localhost:9001"}]
                routes: [{upstream: app}]
                """)).containsExactly("4:3: duplicate key 'app' in upstreams (first at line 2)");
    }

    @Test
    void duplicateListenerNamesAndAddressesAreReported() {
        assertThat(problems("""
                listeners:
                  - name: public
                    address: 0.0.0.0:8080
                  - name: public
                    address: 0.0.0.0:8080
                  - address: 127.0.0.1:0
                  - address: 127.0.0.1:0
                """ + VALID_TAIL)).containsExactly(
                "4:11: listeners[1].name: duplicate listener name 'public' (also used by listeners[0];"
                        + " give each listener a name)",
                "5:14: listeners[1].address: address 0.0.0.0:8080 is already used by listeners[0]",
                "7:14: listeners[3].address: duplicate listener name '127.0.0.1:0' (also used by listeners[2];"
                        + " give each listener a name)");
    }

    @Test
    void duplicateRouteNamesAreReported() {
        assertThat(problems("""
                routes:
                  - name: main
                    upstream: app
                  - name: main
                    upstream: app
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """)).containsExactly("4:11: routes[1].name: duplicate route name 'main' (also used by routes[0])");
    }

    @Test
    void aRouteToAMissingUpstreamListsTheKnownNames() {
        assertThat(problems("""
                routes:
                  - upstream: apj
                upstreams:
                  api: {endpoints: [{address: "localhost:9000"}]}
                  web: {endpoints: [{address: "localhost:9001"}]}
                """)).containsExactly("2:15: routes[0].upstream: no upstream named 'apj' (known: api, web)");
    }

    @Test
    void anUpstreamWithoutEndpointsIsReported() {
        assertThat(problems("""
                routes: [{upstream: a}, {upstream: b}, {upstream: c}]
                upstreams:
                  a:
                    balancer: random
                  b:
                    endpoints: []
                  c:
                """)).containsExactly(
                "3:3: upstreams.a: no endpoints; add at least one under 'endpoints' or name an SRV record under 'dns.srv'",
                "6:16: upstreams.b.endpoints: empty list; add at least one endpoint",
                "7:3: upstreams.c: no endpoints; add at least one under 'endpoints' or name an SRV record under 'dns.srv'");
    }

    @Test
    void missingRequiredKeysAreReportedAtTheirMapping() {
        assertThat(problems("""
                routes:
                  - name: main
                upstreams:
                  app:
                    endpoints:
                      - weight: 2
                      - address:
                """)).containsExactly(
                "2:5: routes[0]: missing required key 'upstream'",
                "6:9: upstreams.app.endpoints[0]: missing required key 'address'",
                "7:17: upstreams.app.endpoints[1].address: needs a value");
    }

    @Test
    void routesAndUpstreamsAreRequired() {
        assertThat(problems("workers: auto\n")).containsExactly(
                "1:1: missing required key 'routes'",
                "1:1: missing required key 'upstreams'");
    }

    @Test
    void emptyListsOfRoutesAndListenersAreReported() {
        assertThat(problems("""
                listeners: []
                routes: []
                upstreams: {}
                """)).containsExactly(
                "1:12: listeners: empty list; remove the key for the default 0.0.0.0:8080, or add a listener",
                "2:9: routes: at least one route is required",
                "3:12: upstreams: at least one upstream is required");
    }

    @Test
    void upstreamKeysFromTheSpecThatAreNotBuiltYetAreMarkedAsSuch() {
        assertThat(problems("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                    cache: {max_size: 1MiB}
                """)).containsExactly(
                "5:5: unknown key 'cache' in upstreams.app (expected one of: endpoints, balancer, timeouts, pool,"
                        + " health_check, outlier_detection, retries, when_all_unhealthy, dns, tls; 'cache' is not supported yet)");
    }

    @Test
    void whenAllUnhealthyAndMaxPendingAreChecked() {
        assertThat(problems("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                    when_all_unhealthy: 503
                    pool: {max_pending: -1}
                """)).containsExactly(
                "5:25: upstreams.app.when_all_unhealthy: expected panic or fail, found '503'",
                "6:25: upstreams.app.pool.max_pending: must be at least 0, was -1");
    }

    @Test
    void anInvalidUpstreamNameIsReportedAtTheName() {
        assertThat(problems("""
                routes: [{upstream: app}]
                upstreams:
                  app: {endpoints: [{address: "localhost:9000"}]}
                  "my app": {endpoints: [{address: "localhost:9000"}]}
                """)).containsExactly(
                "4:3: upstream name 'my app' may only contain letters, digits, '.', '_' and '-'");
    }

    @Test
    void routeMatchHostsThatCanNeverMatchAreRejected() {
        assertThat(problems("""
                routes:
                  - {match: {host: "api.example.com:443"}, upstream: app}
                  - {match: {host: "api example.com"}, upstream: app}
                  - {match: {host: "example.com/api"}, upstream: app}
                  - {match: {host: "api.*.com"}, upstream: app}
                  - {match: {host: "*"}, upstream: app}
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """)).containsExactly(
                "2:20: routes[0].match.host: 'api.example.com:443' must not include a port; hosts are matched without it",
                "3:20: routes[1].match.host: 'api example.com' is not a host name (it contains ' ';"
                        + " write international names in punycode)",
                "4:20: routes[2].match.host: 'example.com/api' is not a host name (it contains '/';"
                        + " write international names in punycode)",
                "5:20: routes[3].match.host: 'api.*.com': '*' is only allowed as a leading '*.' (e.g. *.example.com)",
                "6:20: routes[4].match.host: '*' alone is not allowed (omit host to match any host)");
    }

    @Test
    void pathPrefixesMustStartWithSlashAndMethodsMustBeTokens() {
        assertThat(problems("""
                routes:
                  - match:
                      path_prefix: api/
                      methods: [GET, "GE T", "", ""]
                    upstream: app
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """)).containsExactly(
                "3:20: routes[0].match.path_prefix: 'api/' must start with '/'",
                "4:22: routes[0].match.methods[1]: 'GE T' is not an HTTP method name",
                "4:30: routes[0].match.methods[2]: '' is not an HTTP method name",
                "4:34: routes[0].match.methods[3]: '' is not an HTTP method name");
    }

    @Test
    void aWrongShapeIsReportedOnceWithoutFollowUpProblems() {
        assertThat(problems("""
                routes: [{upstream: [app]}, "api"]
                upstreams:
                  app:
                    endpoints: [{address: {host: x}}]
                """)).containsExactly(
                "1:21: routes[0].upstream: expected a single value, found a list",
                "1:29: routes[1]: expected a mapping of keys, found 'api'",
                "4:27: upstreams.app.endpoints[0].address: expected a single value, found a mapping");
    }

    @Test
    void aTildeIsRefusedBecauseJacksonReadsItAsText() {
        assertThat(problems("access_log: {path: ~}\n" + VALID_TAIL))
                .containsExactly("1:20: access_log.path: '~' is not supported as null here; leave the value empty or write null");
    }

    @Test
    void emptyNamesAreRejected() {
        assertThat(problems("""
                listeners: [{name: "", address: "0.0.0.0:8080"}]
                routes: [{name: "", upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """)).containsExactly(
                "1:20: listeners[0].name: must not be empty (omit it to name the listener after its address)",
                "2:17: routes[0].name: must not be empty (omit it for the default route-1)");
    }

    @Test
    void accessLogTakesOnlyOffAsAShorthand() {
        assertThat(problems("access_log: true\n" + VALID_TAIL))
                .containsExactly("1:13: access_log: expected off or a mapping with 'path', found 'true'");
    }

    @Test
    void yamlAliasesAreRejectedRatherThanTakenAsTheAnchorName() {
        assertThat(problems("""
                routes: [{upstream: &name app}, {upstream: *name}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """)).containsExactly(
                "1:44: routes[1].upstream: YAML aliases (*name) are not supported; write the value out");
    }

    @Test
    void aSyntaxErrorStopsParsingAndIsLocated() {
        assertThat(problems("""
                routes:
                  - upstream: app
                 upstreams: {}
                """)).singleElement().satisfies(problem -> {
                    assertThat(problem).startsWith("3:2: YAML syntax error: ");
                    assertThat(problem).contains("expected <block end>");
                });
    }

    @Test
    void anUnclosedFlowListIsASyntaxError() {
        assertThat(problems("workers: [1\nroutes: []\n")).singleElement().satisfies(problem ->
                assertThat(problem).isEqualTo("2:7: YAML syntax error: expected ',' or ']', but got :"
                        + " (while parsing a flow sequence started at line 1, column 10)"));
    }

    @Test
    void aSecondYamlDocumentIsRejected() {
        assertThat(problems(VALID_TAIL + "---\nworkers: 2\n"))
                .containsExactly("4:1: only one YAML document is allowed per file (remove the second '---')");
    }

    @Test
    void anEmptyFileIsReported() {
        assertThat(problems("# nothing here\n"))
                .containsExactly("1:1: the file is empty; at least 'routes' and 'upstreams' are required");
    }

    @Test
    void aFileThatIsNotAMappingIsReported() {
        assertThat(problems("- routes\n- upstreams\n"))
                .containsExactly("1:1: expected a mapping of keys, found a list");
    }

    @Test
    void everyProblemInAFileIsReportedInFileOrder() {
        assertThat(problems("""
                routes:
                  - upstream: ap
                  - name: x
                upstreams:
                  api:
                    endpoints:
                      - address: api:80
                        weight: heavy
                    retries: 3
                    timeouts: {connect: 2 s}
                workers: none
                workers: 2
                """)).containsExactly(
                "2:15: routes[0].upstream: no upstream named 'ap' (known: api)",
                "3:5: routes[1]: missing required key 'upstream'",
                "8:17: upstreams.api.endpoints[0].weight: 'heavy' is not a whole number",
                "9:14: upstreams.api.retries: expected a mapping of keys, found '3'",
                "10:25: upstreams.api.timeouts.connect: '2 s' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)",
                "12:1: duplicate key 'workers' at the top level (first at line 11)");
    }

    @Test
    void everyHealthAndRetryProblemInAFileIsReportedInFileOrder() {
        assertThat(problems("""
                routes: [{upstream: api}, {upstream: web}]
                upstreams:
                  api:
                    endpoints: [{address: "api:80"}]
                    balancer: header_hash
                    health_check:
                      type: http
                      interval: 1s
                      timeout: 2s
                      expect_status: 200-299
                    outlier_detection:
                      consecutive_failures: 5
                      max_ejection: 10s
                    retries:
                      attempts: 20
                      on: [connect_failure, reset]
                    when_all_unhealthy: fail
                  web:
                    endpoints: [{address: "web:80"}]
                    balancer: cookie_hash(session)
                    health_check: {type: tcp, healthy_threshold: 0}
                    outlier_detection: no
                    retries: {budget_percent: 200, per_try_timeout: 45s}
                    pool: {max_pending: lots}
                    when_all_unhealthy: retry
                """)).containsExactly(
                "5:15: upstreams.api.balancer: 'header_hash' needs a header name: header_hash(NAME), e.g. header_hash(X-User)",
                "7:7: upstreams.api.health_check: missing required key 'path'",
                "9:16: upstreams.api.health_check.timeout: must not be longer than interval (1s), was 2s",
                "13:21: upstreams.api.outlier_detection.max_ejection: must not be shorter than base_ejection"
                        + " (30s, the default), was 10s",
                "15:17: upstreams.api.retries.attempts: must be at most 10, was 20",
                "16:29: upstreams.api.retries.on[1]: 'reset' is not a retry condition (expected one of: connect_failure,"
                        + " connection_terminated_idempotent, response_timeout_idempotent, status_5xx_idempotent)",
                "21:50: upstreams.web.health_check.healthy_threshold: must be at least 1, was 0",
                "22:24: upstreams.web.outlier_detection: expected off or a mapping of keys, found 'no'",
                "23:31: upstreams.web.retries.budget_percent: must be at most 100, was 200",
                "23:53: upstreams.web.retries.per_try_timeout: must not be longer than timeouts.response (30s), was 45s",
                "24:25: upstreams.web.pool.max_pending: 'lots' is not a whole number",
                "25:25: upstreams.web.when_all_unhealthy: expected panic or fail, found 'retry'");
    }

    @Test
    void theExceptionMessageListsEveryProblemAsFileLineColumn() {
        ConfigException e = failure("workers: 0\nshutdown_grace: soon\n" + VALID_TAIL);

        assertThat(e.getMessage()).isEqualTo("""
                test.yaml:1:10: workers: must be at least 1, was 0
                test.yaml:2:17: shutdown_grace: 'soon' is not a duration (use e.g. 250ms, 2s, 5m or 1h30m)""");
        assertThat(e.problems()).first().isEqualTo(new ConfigProblem("test.yaml", 1, 10, "workers: must be at least 1, was 0"));
    }

    static List<String> problems(String yaml) {
        return failure(yaml).problems().stream()
                .map(p -> p.line() + ":" + p.column() + ": " + p.message())
                .toList();
    }

    private static ConfigException failure(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "test.yaml", null, Map.<String, String>of()::get));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e;
    }
}
