package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9112 message rules at the proxy: bodyless responses, HTTP/1.0 clients, 100-continue, absolute form. */
class MessageSemanticsTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.start((request, reply) -> {
        switch (request.uri()) {
            case "/head" -> reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n");
            case "/head-chunked" -> reply.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            case "/204" -> reply.raw("HTTP/1.1 204 No Content\r\nX-Kind: none\r\n\r\n");
            case "/304" -> reply.raw("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
            default -> reply.send(200, "body of " + request.uri());
        }
    }));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"HEAD, /head, 200", "HEAD, /head-chunked, 200", "GET, /204, 204", "GET, /304, 304"})
    void aBodylessResponseHasNoBodyAndTheConnectionServesTheNextRequest(String method, String path, int status) {
        try (RawHttp client = proxy.connect()) {
            client.send(RawHttp.request(method, path));
            RawResponse response = method.equals("HEAD") ? client.readHeadResponse() : client.read();

            assertThat(response.status()).isEqualTo(status);
            if (path.equals("/head")) {
                assertThat(response.header("Content-Length")).isEqualTo("5");
            }
            if (status != 200) {
                assertThat(response.hasHeader("Transfer-Encoding")).isFalse();
                assertThat(response.hasHeader("Content-Length")).isFalse();
            }
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(status);
            assertThat(entry.bytesSent()).isZero();
            assertThat(entry.error()).isNull();

            // Any stray body byte would be read as the start of this response.
            RawResponse next = client.send(RawHttp.request("GET", "/next")).read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("body of /next");
        }
    }

    @Test
    void anHttp10ClientWithoutKeepAliveGetsItsResponseAndThenTheConnectionCloses() {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send("GET /old HTTP/1.0\r\nHost: test\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("body of /old");
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.version()).isEqualTo("HTTP/1.1");
        assertThat(proxy.awaitEntries(1).get(0).protocol()).isEqualTo("HTTP/1.0");
    }

    @Test
    void anHttp10ClientAskingForKeepAliveKeepsItsConnection() {
        try (RawHttp client = proxy.connect()) {
            RawResponse first = client.send("GET /a HTTP/1.0\r\nHost: test\r\nConnection: keep-alive\r\n\r\n").read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("Connection")).isEqualToIgnoringCase("keep-alive");

            RawResponse second = client.send("GET /b HTTP/1.0\r\nHost: test\r\nConnection: keep-alive\r\n\r\n").read();
            assertThat(second.bodyText()).isEqualTo("body of /b");
        }
    }

    @Test
    void expect100ContinueIsAnsweredByTheProxyAndNeverReachesTheBackend() {
        try (RawHttp client = proxy.connect()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
            RawResponse interim = client.read();
            assertThat(interim.status()).isEqualTo(100);

            RawResponse response = client.send("hello world").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("body of /upload");
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.method()).isEqualTo("POST");
        }
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.hasHeader("Expect")).isFalse();
        assertThat(received.bodyText()).isEqualTo("hello world");
    }

    @Test
    void anAbsoluteFormTargetIsSentAsOriginFormWithItsAuthorityAsHost() {
        RawResponse response = proxy.exchange(
                "GET http://example.test/path?q=1 HTTP/1.1\r\nHost: other.test\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.uri()).isEqualTo("/path?q=1");
        assertThat(received.headers("Host")).containsExactly("example.test");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("example.test");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.host()).isEqualTo("example.test");
    }
}
