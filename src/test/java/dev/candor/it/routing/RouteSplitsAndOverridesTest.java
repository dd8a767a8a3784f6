package dev.candor.it.routing;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.Reply;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §12 weighted splits and a route's own timeouts and retries, with real backends. */
class RouteSplitsAndOverridesTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private ProxyUnderTest splitProxy(String splitYaml, String... backends) {
        Map<String, Object> vars = new HashMap<>();
        StringBuilder upstreams = new StringBuilder();
        for (String name : backends) {
            int port = name.equals("broken") ? Ports.refusing() : cleanup.add(TestBackend.answering(name)).port();
            upstreams.append("  ").append(name).append(": { endpoints: [ { address: \"127.0.0.1:").append(port)
                    .append("\" } ] }\n");
        }
        return cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                workers: 1
                errors: { expose: details }
                routes:
                  - name: canary
                    split:
                %s
                upstreams:
                %s
                """.formatted(splitYaml.indent(6).stripTrailing(), upstreams), vars));
    }

    @Test
    void anEvenSplitSendsTrafficToBothUpstreamsAndTheLogNamesTheOneChosen() {
        ProxyUnderTest proxy = splitProxy("""
                - { upstream: blue, weight: 1 }
                - { upstream: green, weight: 1 }
                """, "blue", "green");

        Map<String, Integer> byUpstream = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            RawResponse response = proxy.get("/");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.upstream()).isEqualTo(response.bodyText());
            byUpstream.merge(entry.upstream(), 1, Integer::sum);
        }

        // Each side has a chance of 2^-60 to see nothing; either seeing fewer than 10 is below 1e-9.
        assertThat(byUpstream.get("blue")).isGreaterThanOrEqualTo(10);
        assertThat(byUpstream.get("green")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void anUpstreamWeightedZeroTakesNothing() {
        ProxyUnderTest proxy = splitProxy("""
                - { upstream: blue, weight: 0 }
                - { upstream: green, weight: 3 }
                """, "blue", "green");

        for (int i = 0; i < 20; i++) {
            assertThat(proxy.get("/").bodyText()).isEqualTo("green");
        }
    }

    @Test
    void aSplitToAFailingUpstreamNamesThatUpstreamInTheError() {
        ProxyUnderTest proxy = splitProxy("""
                - { upstream: broken, weight: 1 }
                - { upstream: green, weight: 0 }
                """, "broken", "green");

        RawResponse response = proxy.get("/");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Proxy-Status")).contains("error=connection_refused");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.upstream()).isEqualTo("broken");
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(proxy.server().failures().latest(1).get(0).upstream()).isEqualTo("broken");
    }

    @Test
    void aRouteResponseTimeoutShorterThanTheUpstreamsAppliesToThatRouteOnly() {
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) -> {
            if (request.uri().startsWith("/fast-deadline")) {
                reply.hang();
            } else {
                reply.send(200, "done");
            }
        }));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                workers: 1
                routes:
                  - name: impatient
                    match: { path_prefix: /fast-deadline }
                    timeouts: { response: 300ms }
                    upstream: app
                  - name: rest
                    upstream: app
                upstreams:
                  app:
                    endpoints: [ { address: "127.0.0.1:${PORT}" } ]
                    timeouts: { response: 30s }
                """, Map.of("PORT", slow.port())));

        long started = System.nanoTime();
        RawResponse response = proxy.get("/fast-deadline");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.status()).isEqualTo(504);
        assertThat(took).as("0.3 s, not the upstream's 30 s").isLessThan(Duration.ofSeconds(5));
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.error()).isEqualTo("http_response_timeout");
        assertThat(proxy.server().failures().latest(1).get(0).limit())
                .isEqualTo("no response header after 0.300 s = route impatient timeouts.response");
        assertThat(proxy.get("/other").status()).isEqualTo(200);
    }

    @Test
    void aRouteWithRetriesOffDoesNotTryTheNextEndpointWhileTheUpstreamWould() {
        TestBackend good = cleanup.add(TestBackend.answering("good"));
        String yaml = """
                listeners: [ { address: 127.0.0.1:0 } ]
                workers: 1
                routes:
                  - name: once
                    match: { path_prefix: /once }
                    retries: { attempts: 0 }
                    upstream: app
                  - name: rest
                    upstream: app
                upstreams:
                  app:
                    endpoints: [ { address: "127.0.0.1:${REFUSING}" }, { address: "127.0.0.1:${GOOD}" } ]
                    retries: { attempts: 1, on: [connect_failure] }
                """;
        Map<String, Object> vars = Map.of("REFUSING", Ports.refusing(), "GOOD", good.port());
        // Round robin starts with the first endpoint, the refusing one, in each fresh proxy.
        ProxyUnderTest once = cleanup.add(ProxyUnderTest.start(yaml, vars));
        ProxyUnderTest rest = cleanup.add(ProxyUnderTest.start(yaml, vars));

        RawResponse refused = once.get("/once");
        RawResponse retried = rest.get("/other");

        assertThat(refused.status()).isEqualTo(502);
        assertThat(once.awaitEntry(refused).attempts()).isEqualTo(1);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(rest.awaitEntry(retried).attempts()).isEqualTo(2);
    }

    @Test
    void splitTrafficKeepsEachUpstreamsOwnEndpointsAndHealth() {
        ProxyUnderTest proxy = splitProxy("""
                - { upstream: blue, weight: 1 }
                - { upstream: broken, weight: 1 }
                """, "blue", "broken");

        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            RawResponse response = proxy.get("/");
            AccessLogEntry entry = proxy.awaitEntry(response);
            statuses.add(response.status());
            assertThat(response.status()).isEqualTo(entry.upstream().equals("blue") ? 200 : 502);
        }
        assertThat(statuses).contains(200, 502);
        assertThat(proxy.server().upstreams().get("blue").endpoints().get(0).health().errorCounts()).isEmpty();
    }
}
