package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §2 limits.*: oversized or slow requests are refused with the right status, and logged. */
class ClientLimitsTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend, """
            limits:
              max_header_size: 1KiB
              max_uri_length: 100
              max_body_size: 1KiB
              header_read_timeout: 300ms
              client_idle_timeout: 300ms
            """, ""));

    @Test
    void aHeaderSectionLargerThanMaxHeaderSizeGets431AndTheConnectionCloses() {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/", "X-Big: " + "x".repeat(2000))).read();

            assertThat(assertRefused(response, 431).attempts()).isZero();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @ParameterizedTest(name = "a target of {0} characters")
    @ValueSource(ints = {101, 150, 5000})
    void aTargetLongerThanMaxUriLengthGets414AndTheConnectionCloses(int length) {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/" + "u".repeat(length - 1))).read();

            assertThat(assertRefused(response, 414).attempts()).isZero();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void aTargetOfExactlyMaxUriLengthIsForwarded() {
        RawResponse response = proxy.get("/" + "u".repeat(99));
        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.awaitRequest().uri()).hasSize(100);
    }

    @Test
    void aContentLengthAboveMaxBodySizeGets413BeforeTheBodyIsSent() {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send("POST /up HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n").read();

            assertThat(assertRefused(response, 413).attempts()).isZero();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.requestHeads()).isZero();
    }

    @Test
    void aChunkedBodyThatGrowsBeyondMaxBodySizeGets413() {
        try (RawHttp client = proxy.connect()) {
            client.send("POST /up HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "200\r\n" + "a".repeat(512) + "\r\n"
                    + "400\r\n" + "b".repeat(1024) + "\r\n");
            RawResponse response = client.read();

            assertRefused(response, 413);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void aBodyOfExactlyMaxBodySizeIsForwarded() {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send("POST /up HTTP/1.1\r\nHost: test\r\nContent-Length: 1024\r\n\r\n"
                    + "c".repeat(1024)).read();
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(backend.awaitRequest().bodyLength()).isEqualTo(1024);
    }

    @Test
    void aClientThatSendsHalfAHeaderAndStallsGets408AndTheConnectionCloses() {
        try (RawHttp client = proxy.connect()) {
            long start = System.nanoTime();
            RawResponse response = client.send("GET /slowloris HTTP/1.1\r\nHost: te").read();

            // The deadline is spread past header_read_timeout, never before it.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(assertRefused(response, 408).attempts()).isZero();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterClientIdleTimeout() {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/once")).read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.hasHeader("Connection")).isFalse();

            assertThat(client.closedByPeer()).isTrue();
        }
        AccessLogEntry entry = proxy.awaitEntries(1).get(0);
        assertThat(entry.status()).isEqualTo(200);
        assertThat(entry.error()).isNull();
        // An idle close is not a request: it writes no second line (awaited above, checked once more here).
        assertThat(proxy.accessLog().entries()).hasSize(1);
    }

    /** Checks the refusal and its access-log line; returns the line. */
    private AccessLogEntry assertRefused(RawResponse response, int status) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_request_error");
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(response.header("X-Request-Id")).isNotBlank();
        AccessLogEntry entry = proxy.awaitEntry(e -> e.status() == status);
        assertThat(entry.error()).isEqualTo("http_request_error");
        assertThat(entry.requestId()).isEqualTo(response.header("X-Request-Id"));
        return entry;
    }
}
