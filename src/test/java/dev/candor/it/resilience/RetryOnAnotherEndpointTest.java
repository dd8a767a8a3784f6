package dev.candor.it.resilience;

import dev.candor.failure.AttemptReport;
import dev.candor.failure.FailureReport;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/configuration.md "Retries": a failed attempt goes to the other endpoint only when that is safe.
 * A GET whose connection was cut before the response is sent again; a POST that may have been delivered
 * never is (RFC 9110 §9.2.2); an upstream's own 503 is retried for a GET with
 * {@code status_5xx_idempotent} and passed through for a POST. Round robin starts with the first
 * endpoint, and a retry moves the counter past the endpoint it took, so every request here meets the
 * misbehaving first endpoint first.
 */
class RetryOnAnotherEndpointTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void aPostCutBeforeItsResponseIsDeliveredExactlyOnceWhileAGetIsSentAgainAndSucceeds() {
        // First endpoint: reads each request in full, then resets. Second: answers GETs, closes on POSTs.
        TestBackend resetting = cleanup.add(TestBackend.start((request, reply) -> reply.reset()));
        TestBackend closingOnPost = cleanup.add(TestBackend.start((request, reply) -> {
            if (request.method().equals("POST")) {
                reply.close();
            } else {
                reply.send(200, "second " + request.uri());
            }
        }));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(
                List.of(resetting.port(), closingOnPost.port()), "workers: 1", """
                retries: { attempts: 1, on: [connect_failure, connection_terminated_idempotent] }
                """));
        String second = "127.0.0.1:" + closingOnPost.port();

        RawResponse get = proxy.get("/g1");
        RawResponse post1 = proxy.exchange(post("/orders-1"));
        RawResponse post2 = proxy.exchange(post("/orders-2"));
        RawResponse get2 = proxy.get("/g2");

        for (RawResponse g : List.of(get, get2)) {
            assertThat(g.status()).as("Proxy-Status: %s", g.header("Proxy-Status")).isEqualTo(200);
            AccessLogEntry entry = proxy.awaitEntry(g);
            assertThat(entry.attempts()).as("cut on the first endpoint, answered by the second").isEqualTo(2);
            assertThat(entry.endpoint()).isEqualTo(second);
            assertThat(entry.error()).isNull();
            assertThat(entry.upstreamStatus()).isEqualTo(200);
        }
        assertThat(get.bodyText()).isEqualTo("second /g1");

        for (RawResponse p : List.of(post1, post2)) {
            assertThat(p.status()).isEqualTo(502);
            assertThat(p.header("Proxy-Status")).isEqualTo("candor; error=connection_terminated");
            AccessLogEntry entry = proxy.awaitEntry(p);
            assertThat(entry.error()).isEqualTo("connection_terminated");
            assertThat(entry.attempts()).as("a POST that may have arrived is not sent again").isEqualTo(1);
            assertThat(entry.upstreamStatus()).isNull();
        }
        assertThat(proxy.awaitEntry(post1).endpoint()).as("round robin: the POST met the resetting endpoint")
                .isEqualTo("127.0.0.1:" + resetting.port());
        assertThat(proxy.awaitEntry(post2).endpoint()).isEqualTo(second);
        assertThat(proxy.awaitEntry(post2).errorDetail()).as("it met the connection /g1 had used")
                .contains("reused connection (1 request before)")
                .contains("not retried: POST is not idempotent and may have been delivered");

        List<RecordedRequest> delivered = Stream.concat(resetting.requests().stream(), closingOnPost.requests().stream())
                .toList();
        assertThat(delivered).filteredOn(r -> r.uri().equals("/orders-1")).as("deliveries of POST /orders-1")
                .singleElement().satisfies(r -> assertThat(r.bodyText()).isEqualTo("{\"qty\": 1}"));
        assertThat(delivered).filteredOn(r -> r.uri().equals("/orders-2")).as("deliveries of POST /orders-2")
                .hasSize(1);
        assertThat(delivered).filteredOn(r -> r.uri().equals("/g1")).as("the GET reached both").hasSize(2);
        assertThat(List.of(proxy.endpoint(resetting.port()), proxy.endpoint(closingOnPost.port())))
                .as("every failed or retried attempt left its endpoint").allSatisfy(e -> assertThat(e.health().inFlight()).isZero());
    }

    @Test
    void anUpstream503IsRetriedElsewhereForAGetAndPassedThroughForAPost() {
        TestBackend overloaded = cleanup.add(TestBackend.start((request, reply) ->
                reply.send(503, "overloaded " + request.uri(), "Retry-After", "1")));
        TestBackend fine = cleanup.add(TestBackend.start((request, reply) -> reply.send(200, "fine " + request.uri())));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(overloaded.port(), fine.port()), "", """
                retries: { attempts: 1, on: [status_5xx_idempotent] }
                """));

        RawResponse get = proxy.get("/items");

        assertThat(get.status()).isEqualTo(200);
        assertThat(get.bodyText()).isEqualTo("fine /items");
        assertThat(get.hasHeader("Retry-After")).as("nothing of the dropped 503 leaks").isFalse();
        AccessLogEntry getEntry = proxy.awaitEntry(get);
        assertThat(getEntry.attempts()).isEqualTo(2);
        assertThat(getEntry.endpoint()).isEqualTo("127.0.0.1:" + fine.port());
        assertThat(getEntry.upstreamStatus()).isEqualTo(200);
        assertThat(getEntry.error()).isNull();

        RawResponse post = proxy.exchange(post("/orders-1"));

        assertThat(post.status()).isEqualTo(503);
        assertThat(post.bodyText()).isEqualTo("overloaded /orders-1");
        assertThat(post.headers("Proxy-Status")).containsExactly("candor; received-status=503");
        AccessLogEntry postEntry = proxy.awaitEntry(post);
        assertThat(postEntry.attempts()).as("a POST is never retried on a status").isEqualTo(1);
        assertThat(postEntry.endpoint()).isEqualTo("127.0.0.1:" + overloaded.port());
        assertThat(postEntry.upstreamStatus()).isEqualTo(503);
        assertThat(postEntry.error()).as("the upstream's own 503 is not a Candor error").isNull();

        assertThat(overloaded.requests()).extracting(RecordedRequest::uri).containsExactly("/items", "/orders-1");
        assertThat(fine.requests()).extracting(RecordedRequest::uri).containsExactly("/items");
        assertThat(proxy.server().failures().total()).isZero();
    }

    @Test
    void aRetryIsNeverSentToAnEjectedEndpointWhileTheUpstreamStillHasAHealthyOne() {
        // docs/configuration.md: "A retry goes to another endpoint when there is one that may take traffic;
        // otherwise to the same one", and when_all_unhealthy applies only when *no* endpoint may take
        // traffic. Here the second endpoint is healthy; only the retry's own choice is exhausted.
        int refusing = Ports.refusing();
        TestBackend cutting = cleanup.add(TestBackend.start((request, reply) -> {
            if (request.uri().equals("/cut")) {
                reply.reset();
            } else {
                reply.send(200, "ok " + request.uri());
            }
        }));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(refusing, cutting.port()), "", """
                outlier_detection: { consecutive_failures: 1, base_ejection: 30s }
                retries: { attempts: 1, on: [connect_failure, connection_terminated_idempotent], budget_percent: 100 }
                """));
        EndpointHealth closed = proxy.endpoint(refusing).health();

        assertThat(proxy.get("/warm").status()).as("refused once, retried on the live endpoint").isEqualTo(200);
        assertThat(closed.state()).isEqualTo(EndpointState.EJECTED);

        RawResponse response = proxy.get("/cut", "Accept: application/json");

        AccessLogEntry entry = proxy.awaitEntry(response);
        FailureReport report = await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().failures().find(entry.requestId()), Objects::nonNull);
        assertThat(report.attempts()).extracting(AttemptReport::endpoint)
                .as("attempts of GET /cut (error %s: %s)", entry.error(), entry.errorDetail())
                .doesNotContain("127.0.0.1:" + refusing);
        assertThat(response.status()).isEqualTo(502);
        assertThat(entry.error()).as("the live endpoint's failure is the one reported").isEqualTo("connection_terminated");
        assertThat(entry.endpoint()).isEqualTo("127.0.0.1:" + cutting.port());
        assertThat(closed.state()).isEqualTo(EndpointState.EJECTED);
    }

    private static String post(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n{\"qty\": 1}";
    }
}
