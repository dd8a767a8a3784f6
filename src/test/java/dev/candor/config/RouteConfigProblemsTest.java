package dev.candor.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.candor.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §12 route keys: every mistake is a FILE:LINE:COL problem at the offending key or value. */
class RouteConfigProblemsTest {

    private static final String UPSTREAMS = """
            upstreams:
              app: {endpoints: [{address: "localhost:9000"}]}
              canary: {endpoints: [{address: "localhost:9001"}]}
            """;

    @Test
    void anInvalidRe2PatternIsReportedWhereItIsWritten() {
        assertThat(problems("""
                routes:
                  - match: { path_regex: '^/users/(?=admin)' }
                    upstream: app
                  - match: { headers: { x-v: "~[" } }
                    upstream: app
                """ + UPSTREAMS)).containsExactly(
                "2:26: routes[0].match.path_regex: '^/users/(?=admin)' is not a valid RE2 pattern: invalid or"
                        + " unsupported Perl syntax (RE2 has no lookaround or backreferences)",
                "4:30: routes[1].match.headers.x-v: '[' is not a valid RE2 pattern: missing closing ]");
    }

    @Test
    void onePathConditionPerMatch() {
        assertThat(problems("""
                routes:
                  - match: { path: /a, path_prefix: /b }
                    upstream: app
                """ + UPSTREAMS)).containsExactly(
                "2:37: routes[0].match.path_prefix: use only one of path, path_prefix and path_regex in one match");
    }

    @Test
    void aRouteTakesOneOfUpstreamSplitRedirectAndRespond() {
        assertThat(problems("""
                routes:
                  - upstream: app
                    redirect: { to: "https://x.test{path}" }
                """ + UPSTREAMS)).containsExactly(
                "3:15: routes[0].redirect: a route takes only one of upstream, split, redirect and respond"
                        + " (found upstream and redirect)");
    }

    @Test
    void aRouteThatAnswersItselfCannotAlsoRewriteOrMirror() {
        assertThat(problems("""
                routes:
                  - respond: { status: 204 }
                    rewrite: { strip_prefix: /x }
                    mirror: { upstream: canary }
                """ + UPSTREAMS)).containsExactly(
                "3:5: routes[0].rewrite: has no effect: the route answers itself (respond) and forwards nothing",
                "4:5: routes[0].mirror: has no effect: the route answers itself (respond) and forwards nothing");
    }

    @Test
    void redirectPlaceholdersAndStatusesAreChecked() {
        assertThat(problems("""
                routes:
                  - redirect: { to: "https://x.test{path}{args}", status: 200 }
                """ + UPSTREAMS)).containsExactly(
                "2:21: routes[0].redirect.to: 'https://x.test{path}{args}': unknown placeholder at '{args}'"
                        + " (known: {path}, {query}, {uri}, {host})",
                "2:59: routes[0].redirect.status: must be at least 300, was 200");
    }

    @Test
    void aRegexRewriteMayOnlyReferToGroupsItsPatternHas() {
        assertThat(problems("""
                routes:
                  - rewrite: { regex: { pattern: '^/a/([0-9]+)$', replacement: '/b/$2' } }
                    upstream: app
                """ + UPSTREAMS)).containsExactly(
                "2:64: routes[0].rewrite.regex.replacement: '/b/$2' refers to group $2, but the pattern has 1 group");
    }

    @Test
    void aSplitNamesDeclaredUpstreamsAndSomeWeight() {
        assertThat(problems("""
                routes:
                  - split:
                      - { upstream: app, weight: 0 }
                      - { upstream: canry, weight: 0 }
                  - split:
                      - { upstream: app, weight: 0 }
                """ + UPSTREAMS)).containsExactly(
                "3:7: routes[0].split: every weight is 0: at least one upstream must take traffic",
                "4:21: routes[0].split[1].upstream: no upstream named 'canry' (known: app, canary)",
                "6:7: routes[1].split: every weight is 0: at least one upstream must take traffic");
    }

    @Test
    void framingHeadersAreCandorsAndMirrorPercentsStayWithinAHundred() {
        assertThat(problems("""
                routes:
                  - upstream: app
                    headers: { request: { set: { Content-Length: "5", Host: x } } }
                    mirror: { upstream: canary, percent: 150 }
                """ + UPSTREAMS)).containsExactly(
                "3:34: routes[0].headers.request.set.Content-Length: Content-Length is managed by Candor and cannot be changed here",
                "3:55: routes[0].headers.request.set.Host: Host is managed by Candor and cannot be changed here (use rewrite.host)",
                "4:42: routes[0].mirror.percent: expected a number from 0 to 100, found '150'");
    }

    @Test
    void routeTimeoutsTakeNoConnectTimeoutWhichBelongsToTheUpstream() {
        assertThat(problems("""
                routes:
                  - upstream: app
                    timeouts: { connect: 1s }
                """ + UPSTREAMS)).singleElement().asString()
                .startsWith("3:17: unknown key 'connect' in routes[0].timeouts (expected one of: response, idle, tunnel_idle");
    }

    @Test
    void everyNewKeyLoadsWhenRight() throws ConfigException {
        CandorConfig config = ConfigLoader.parse("""
                routes:
                  - name: api-v2
                    match:
                      host: api.example.com
                      path_prefix: /v2/
                      methods: [GET, POST]
                      headers: { x-canary: "1" }
                      query: { debug: "true" }
                    rewrite: { strip_prefix: /v2, host: api.internal }
                    headers:
                      request:  { set: { X-Env: prod }, remove: [X-Debug] }
                      response: { set: { Strict-Transport-Security: "max-age=63072000" }, remove: [X-Internal-Trace] }
                    timeouts: { response: 60s }
                    retries: { attempts: 0 }
                    split:
                      - { upstream: app, weight: 95 }
                      - { upstream: canary, weight: 5 }
                    mirror: { upstream: canary, percent: 10 }
                  - match: { path_prefix: /old/ }
                    redirect: { to: "https://new.example.com{path}", status: 308 }
                  - match: { path: /robots.txt }
                    respond: { status: 200, body: "User-agent: *\\nDisallow:\\n", content_type: text/plain }
                """ + UPSTREAMS, "test.yaml", null, Map.<String, String>of()::get);

        RouteConfig api = config.routes().get(0);
        assertThat(api.upstream()).isNull();
        assertThat(api.upstreams()).containsExactly("app", "canary");
        assertThat(api.match().headers()).containsEntry("x-canary", "1");
        assertThat(api.actions().retries().applyTo(RetryConfig.DEFAULTS).attempts()).isZero();
        assertThat(api.actions().timeouts().applyTo(TimeoutsConfig.DEFAULTS).response()).hasSeconds(60);
        assertThat(api.actions().mirror().percent()).isEqualTo(10.0);
        assertThat(config.routes().get(1).actions().redirect().status()).isEqualTo(308);
        assertThat(config.routes().get(2).actions().respond().body()).isEqualTo("User-agent: *\nDisallow:\n");
    }
}
