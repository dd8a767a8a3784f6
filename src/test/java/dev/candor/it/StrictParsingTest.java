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
                arguments(named("HTTP/2.0 on the request line", "GET / HTTP/2.0\r\nHost: t\r\n\r\n"), 505));
    }

    private static Arguments bad(String name, String request) {
        return arguments(Named.of(name, request), 400);
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
}
