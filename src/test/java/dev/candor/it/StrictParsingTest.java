package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Ambiguous or malformed requests are refused, never guessed at (RFC 9112 §3, §6.3, §11.2: a proxy that
 * guesses differently from its backend enables request smuggling). Each is answered, the connection
 * closed, and nothing reaches the backend.
 */
class StrictParsingTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("should never be seen"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend));

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                bad("both Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                bad("Transfer-Encoding before Content-Length",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                bad("two different Content-Length values",
                        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                bad("a Content-Length list with two values",
                        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\n\r\nhello!"),
                bad("a non-numeric Content-Length",
                        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"),
                bad("a negative Content-Length",
                        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n"),
                bad("Transfer-Encoding: xchunked",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                bad("Transfer-Encoding: chunked, identity",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                bad("a space between header name and colon",
                        "GET / HTTP/1.1\r\nHost: t\r\nX-Foo : bar\r\n\r\n"),
                bad("a space before the colon of Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                bad("bare LF line endings",
                        "GET / HTTP/1.1\nHost: t\n\n"),
                bad("HTTP/1.1 without Host",
                        "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
                bad("two Host headers",
                        "GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n"),
                bad("a Host with a space",
                        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
                bad("a Host with a slash",
                        "GET / HTTP/1.1\r\nHost: x/y\r\n\r\n"),
                bad("a target with a fragment",
                        "GET /page#section HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("a target with a space",
                        "GET /a b HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("Transfer-Encoding in HTTP/1.0",
                        "POST / HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                // The request line: exactly one SP between method, target and a case-sensitive HTTP/DIGIT.DIGIT.
                bad("two spaces after the method", "GET  / HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("a tab between method and target", "GET\t/ HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("two spaces before the version", "GET /  HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("a space after the version", "GET / HTTP/1.1 \r\nHost: t\r\n\r\n"),
                bad("a lower-case version", "GET / http/1.1\r\nHost: t\r\n\r\n"),
                bad("a version with three digits", "GET / HTTP/1.01\r\nHost: t\r\n\r\n"),
                bad("a version without minor", "GET / HTTP/1\r\nHost: t\r\n\r\n"),
                bad("an HTTP/0.9 request line", "GET /\r\n\r\n"),
                bad("a method with a character outside tchar", "GE(T / HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("'*' as the target of a GET", "GET * HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("an authority-form target on a GET", "GET example.com:80 HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("a NUL in the target", "GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n"),
                bad("a non-ASCII byte in the target", "GET /caf\u00c3\u00a9 HTTP/1.1\r\nHost: t\r\n\r\n"),
                // Field lines.
                bad("whitespace before the first field line", "GET / HTTP/1.1\r\n Host: t\r\n\r\n"),
                bad("a field name outside tchar", "GET / HTTP/1.1\r\nHost: t\r\nX-A(b: c\r\n\r\n"),
                bad("an empty field name", "GET / HTTP/1.1\r\nHost: t\r\n: c\r\n\r\n"),
                bad("a field line without colon", "GET / HTTP/1.1\r\nHost: t\r\nX-A\r\n\r\n"),
                bad("a bare CR in a field value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n"),
                bad("a bare CR ending the request line", "GET / HTTP/1.1\rHost: t\r\n\r\n"),
                bad("a NUL in a field value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n"),
                bad("a control character in a field value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u0001b\r\n\r\n"),
                bad("a DEL in a field value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u007fb\r\n\r\n"),
                // Host.
                bad("a Host with userinfo", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n"),
                bad("a Host with a port above 65535", "GET / HTTP/1.1\r\nHost: t:99999\r\n\r\n"),
                bad("two Host headers in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"),
                // Body framing.
                bad("a Content-Length with a plus sign", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello"),
                bad("Transfer-Encoding: chunked, chunked",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                bad("two Transfer-Encoding lines",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                bad("a vertical tab before chunked",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n"),
                arguments(named("Transfer-Encoding: gzip, chunked",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), 501),
                arguments(named("HTTP/3.0 on the request line", "GET / HTTP/3.0\r\nHost: t\r\n\r\n"), 505),
                arguments(named("HTTP/2.0 on the request line", "GET / HTTP/2.0\r\nHost: t\r\n\r\n"), 505));
    }

    private static Arguments bad(String name, String request) {
        return arguments(Named.of(name, request), 400);
    }

    /** Chunked bodies whose framing breaks after a valid head (RFC 9112 §7.1). */
    static Stream<Arguments> malformedChunkedBodies() {
        return Stream.of(
                chunked("a chunk size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"),
                chunked("a chunk size that overflows", "fffffffffffffffff1\r\nhello\r\n0\r\n\r\n"),
                chunked("a bare LF after the chunk size", "5\nhello\r\n0\r\n\r\n"),
                chunked("chunk data not followed by CRLF", "5\r\nhelloXX0\r\n\r\n"),
                chunked("chunk extensions past the line limit", "5;a=" + "x".repeat(20_000) + "\r\nhello\r\n0\r\n\r\n"),
                chunked("a bare CR in a chunk extension", "5;a\rb\r\nhello\r\n0\r\n\r\n"),
                chunked("a trailer field name with a space", "5\r\nhello\r\n0\r\nX-Bad Name: v\r\n\r\n"));
    }

    private static Arguments chunked(String name, String body) {
        return bad(name, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedRequests")
    void aMalformedRequestIsRefusedAndTheConnectionClosedBeforeAnythingReachesTheBackend(String request, int status) {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(request).read();

            assertThat(response.status()).isEqualTo(status);
            assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_request_error");
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).as("connection closed after the refusal").isTrue();
        }
        AccessLogEntry entry = proxy.awaitEntries(1).get(0);
        assertThat(entry.status()).isEqualTo(status);
        assertThat(entry.error()).isEqualTo("http_request_error");
        assertThat(backend.acceptedConnections()).as("connections the backend accepted").isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedChunkedBodies")
    void aBrokenChunkedBodyIsRefusedAndNoRequestIsCompletedUpstream(String request, int status) {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(request).read();

            assertThat(response.status()).isEqualTo(status);
            assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_request_error");
            assertThat(client.closedByPeer()).as("connection closed after the refusal").isTrue();
        }
        AccessLogEntry entry = proxy.awaitEntries(1).get(0);
        assertThat(entry.status()).isEqualTo(status);
        assertThat(entry.error()).isEqualTo("http_request_error");
        // The head may have gone upstream while the body streamed; the request never ends there.
        assertThat(backend.requests()).as("requests the backend received whole").isEmpty();
    }
}
