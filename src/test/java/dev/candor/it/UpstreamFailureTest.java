package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.BackendScript;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Payload;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §3: each way a backend can fail gets its own error type, in the Proxy-Status header of a local
 * reply when nothing was sent yet, and in the access log always. One scripted backend per failure.
 */
class UpstreamFailureTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private ProxyUnderTest proxyInFrontOf(BackendScript script) {
        return proxyInFrontOf(script, "");
    }

    private ProxyUnderTest proxyInFrontOf(BackendScript script, String upstreamYaml) {
        TestBackend backend = cleanup.add(TestBackend.start(script));
        return cleanup.add(ProxyUnderTest.inFrontOf(backend, "", upstreamYaml));
    }

    @Test
    void aBackendThatNeverAnswersGets504HttpResponseTimeout() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.hang(), "timeouts: { response: 300ms }");

        RawResponse response = proxy.get("/hang");

        assertThat(response.status()).isEqualTo(504);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_response_timeout");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(504);
        assertThat(entry.error()).isEqualTo("http_response_timeout");
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.attempts()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBackendThatGoesSilentMidBodyHasTheClientCutBeforeTheDeclaredLength() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.streamPrefix(200, 10_000, 1_000),
                "timeouts: { idle: 300ms }");

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/stall")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.complete()).isFalse();
            assertThat(response.bodyLength()).isEqualTo(1_000);
            assertThat(response.body()).isEqualTo(Payload.bytes(1_000));
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.error()).isEqualTo("connection_read_timeout");
            assertThat(entry.upstreamStatus()).isEqualTo(200);
            assertThat(entry.bytesSent()).isEqualTo(1_000);
        }
    }

    @Test
    void aClosedPortGets502ConnectionRefused() {
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
                listeners: [ { address: 127.0.0.1:0 } ]
                routes: [ { upstream: app } ]
                upstreams:
                  app:
                    endpoints: [ { address: "127.0.0.1:${PORT}" } ]
                """, Map.of("PORT", Ports.refusing())));

        RawResponse response = proxy.get("/refused");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_refused");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("connection_refused");
        assertThat(entry.endpoint()).startsWith("127.0.0.1:");
        assertThat(entry.upstreamStatus()).isNull();
    }

    @Test
    void aBackendThatClosesMidBodyHasTheClientCutAndTheLogSaysHttpResponseIncomplete() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.streamPrefix(200, 10_000, 4_000).close());

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/cut")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.complete()).isFalse();
            assertThat(response.bodyLength()).isEqualTo(4_000);
            assertThat(client.closedByPeer()).isTrue();
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.error()).isEqualTo("http_response_incomplete");
            assertThat(entry.bytesSent()).isEqualTo(4_000);
        }
    }

    @Test
    void aChunkedResponseCutBeforeItsLastChunkIsNotEndedCleanlyForTheClient() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                .close());

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/cut-chunked")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.complete()).as("the client must not see a terminating zero chunk").isFalse();
            assertThat(response.bodyText()).isEqualTo("hello");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.error()).isEqualTo("http_response_incomplete");
        }
    }

    @Test
    void aBackendThatSendsGarbageGets502HttpProtocolError() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.raw("this is not http\r\n\r\n").close());

        RawResponse response = proxy.get("/garbage");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_protocol_error");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("http_protocol_error");
    }

    @Test
    void aBackendThatClosesBeforeAnyResponseGets502ConnectionTerminated() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.close());

        RawResponse response = proxy.get("/closed");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=connection_terminated");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("connection_terminated");
        assertThat(entry.upstreamStatus()).isNull();
    }

    @Test
    void aBackendThatAnswers503ItselfIsPassedThroughAndIsNotACandorError() {
        ProxyUnderTest proxy = proxyInFrontOf((request, reply) -> reply.send(503, "backend says busy",
                "Retry-After", "5"));

        RawResponse response = proxy.get("/busy");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyText()).isEqualTo("backend says busy");
        assertThat(response.header("Retry-After")).isEqualTo("5");
        assertThat(response.headers("Proxy-Status")).noneMatch(v -> v.contains("error="));
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(503);
        assertThat(entry.upstreamStatus()).isEqualTo(503);
        assertThat(entry.error()).isNull();
    }

    @Test
    void aClientThatLeavesMidResponseIsLoggedAs499WithoutAnErrorAndTheUpstreamConnectionIsNotPooled() {
        TestBackend backend = cleanup.add(TestBackend.start((request, reply) -> reply.streamPrefix(200, 1_000_000, 1_000)));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend));

        try (RawHttp client = proxy.connect()) {
            RawResponse head = client.send(RawHttp.request("GET", "/leave")).readHeadOnly();
            assertThat(head.status()).isEqualTo(200);
        }

        AccessLogEntry entry = proxy.awaitEntry(e -> true);
        assertThat(entry.status()).isEqualTo(499);
        assertThat(entry.error()).isNull();
        assertThat(entry.upstreamStatus()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
    }
}
