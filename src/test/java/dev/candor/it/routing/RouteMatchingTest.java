package dev.candor.it.routing;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §12 match conditions: exact path, path regex, headers and query parameters, first match still winning. */
class RouteMatchingTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private ProxyUnderTest proxy;

    @BeforeEach
    void start() {
        Map<String, Object> ports = new HashMap<>();
        for (String name : new String[] {"exact", "regex", "canary", "canary-re", "debug", "rest"}) {
            ports.put(name.toUpperCase().replace('-', '_') + "_PORT", cleanup.add(TestBackend.answering(name)).port());
        }
        proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                workers: 1
                routes:
                  - name: exact
                    match: { path: /robots.txt }
                    upstream: exact
                  - name: regex
                    match: { path_regex: '^/users/[0-9]+$', methods: [GET] }
                    upstream: regex
                  - name: canary
                    match: { headers: { x-canary: "1" } }
                    upstream: canary
                  - name: canary-re
                    match: { headers: { X-Canary: "~^(yes|true)$" } }
                    upstream: canary-re
                  - name: debug
                    match: { path_prefix: /api/, query: { debug: "true", v: "~^[23]$" } }
                    upstream: debug
                  - name: rest
                    upstream: rest
                upstreams:
                  exact:     { endpoints: [ { address: "127.0.0.1:${EXACT_PORT}" } ] }
                  regex:     { endpoints: [ { address: "127.0.0.1:${REGEX_PORT}" } ] }
                  canary:    { endpoints: [ { address: "127.0.0.1:${CANARY_PORT}" } ] }
                  canary-re: { endpoints: [ { address: "127.0.0.1:${CANARY_RE_PORT}" } ] }
                  debug:     { endpoints: [ { address: "127.0.0.1:${DEBUG_PORT}" } ] }
                  rest:      { endpoints: [ { address: "127.0.0.1:${REST_PORT}" } ] }
                """, ports));
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
            "GET  | /robots.txt              |                   | exact",
            "GET  | /robots.txt?x=1          |                   | exact",
            "GET  | /robots.txt/more         |                   | rest",
            "GET  | /users/42                |                   | regex",
            "GET  | /users/42?tab=2          |                   | regex",
            "GET  | /users/42/posts          |                   | rest",
            "POST | /users/42                |                   | rest",
            "GET  | /users/x                 | X-Canary: 1       | canary",
            "GET  | /users/x                 | x-canary: 2       | rest",
            "GET  | /users/x                 | X-CANARY: yes     | canary-re",
            "GET  | /users/x                 | X-Canary: yes-sir | rest",
            "GET  | /api/items?debug=true&v=2 |                  | debug",
            "GET  | /api/items?v=3&debug=true |                  | debug",
            "GET  | /api/items?debug=true&v=4 |                  | rest",
            "GET  | /api/items?debug=TRUE&v=2 |                  | rest",
            "GET  | /api/items?debug=%74rue&v=2 |                | debug",
            "GET  | /other?debug=true&v=2    |                   | rest",
            "GET  | /api/items?debug=true&v=2&x=%zz |           | rest",
    })
    void eachConditionNarrowsItsRouteAndTheFirstMatchWins(String method, String target, String header, String route) {
        String[] headers = header == null ? new String[] {"Host: site.test"} : new String[] {"Host: site.test", header};

        RawResponse response = proxy.exchange(RawHttp.request(method, target, headers));

        assertThat(response.status()).isEqualTo(200);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.route()).isEqualTo(route);
        assertThat(response.bodyText()).isEqualTo(route);
    }

    @Test
    void aHeaderConditionIsMetByAnyOfSeveralLinesOfThatHeader() {
        RawResponse response = proxy.exchange(RawHttp.request("GET", "/x", "Host: site.test", "X-Canary: 0",
                "X-Canary: 1"));

        assertThat(proxy.awaitEntry(response).route()).isEqualTo("canary");
    }
}
