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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that are valid but must not travel as received: what Candor repairs, drops or answers itself
 * before anything goes upstream (RFC 9110 §7.6, RFC 9112 §2.2, §3.2, §5.2). Each is checked with raw
 * bytes on the client side and the request the backend actually received.
 */
class RequestRepairTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("from the backend"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend));

    private RawResponse send(String request) {
        try (RawHttp client = proxy.connect()) {
            return client.send(request).read();
        }
    }

    @Test
    void optionsWithMaxForwardsZeroIsAnsweredByCandorAsTheLastHop() {
        RawResponse response = send("OPTIONS * HTTP/1.1\r\nHost: t\r\nMax-Forwards: 0\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Allow")).contains("GET", "POST", "OPTIONS");
        assertThat(response.header("Content-Length")).isEqualTo("0");
        AccessLogEntry entry = proxy.awaitEntries(1).get(0);
        assertThat(entry.status()).isEqualTo(200);
        assertThat(entry.error()).as("answering as the last hop is not a failure").isNull();
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void traceWithMaxForwardsZeroReflectsTheRequestWithoutCredentials() {
        RawResponse response = send("TRACE /echo HTTP/1.1\r\nHost: t\r\nMax-Forwards: 0\r\nX-Probe: 42\r\n"
                + "Cookie: session=secret\r\nAuthorization: Bearer secret\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("message/http");
        assertThat(response.bodyText()).startsWith("TRACE /echo HTTP/1.1\r\n")
                .contains("X-Probe: 42\r\n").doesNotContain("secret");
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void maxForwardsAboveZeroIsDecrementedOnOptionsAndLeftAloneOnOtherMethods() {
        assertThat(send("OPTIONS /x HTTP/1.1\r\nHost: t\r\nMax-Forwards: 3\r\n\r\n").status()).isEqualTo(200);
        assertThat(send("GET /y HTTP/1.1\r\nHost: t\r\nMax-Forwards: 0\r\n\r\n").status()).isEqualTo(200);

        var received = backend.awaitRequests(2);
        assertThat(received.get(0).header("Max-Forwards")).isEqualTo("2");
        assertThat(received.get(1).header("Max-Forwards")).as("ignored for GET (RFC 9110 §7.6.2)").isEqualTo("0");
    }

    @Test
    void anInvalidMaxForwardsOnOptionsIsRefused() {
        RawResponse response = send("OPTIONS /x HTTP/1.1\r\nHost: t\r\nMax-Forwards: many\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=http_request_error");
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void aFieldNameWithAnUnderscoreIsDroppedSoNoBackendReadsItAsCandorsOwn() {
        assertThat(send("GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded_For: 203.0.113.9\r\nX_Custom: 1\r\n"
                + "X-Kept: yes\r\n\r\n").status()).isEqualTo(200);

        RecordedRequest received = backend.awaitRequest();
        assertThat(received.headerNames()).noneMatch(name -> name.contains("_"));
        assertThat(received.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(received.header("X-Kept")).isEqualTo("yes");
    }

    @Test
    void anHttp10RequestWithoutHostGoesUpstreamAsHttp11WithExactlyOneHost() {
        RawResponse response = send("GET /old HTTP/1.0\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.version()).isEqualTo("HTTP/1.1");
        assertThat(received.headers("Host")).containsExactly("127.0.0.1:" + backend.port());
    }

    @Test
    void aFoldedFieldValueIsUnfoldedBeforeItGoesUpstream() {
        assertThat(send("GET / HTTP/1.1\r\nHost: t\r\nX-Folded: first\r\n second\r\n\r\n").status()).isEqualTo(200);

        assertThat(backend.awaitRequest().header("X-Folded")).isEqualTo("first second");
    }

    @Test
    void aHigherMinorVersionIsServedAsHttp11AndEmptyLinesBeforeTheRequestLineAreSkipped() {
        assertThat(send("\r\n\r\nGET /a HTTP/1.2\r\nHost: t\r\n\r\n").status()).isEqualTo(200);

        RecordedRequest received = backend.awaitRequest();
        assertThat(received.uri()).isEqualTo("/a");
        assertThat(received.version()).isEqualTo("HTTP/1.1");
    }

    @Test
    void anUnknownButWellFormedMethodIsForwardedUnchanged() {
        assertThat(send("PURGE /cache/item HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);

        assertThat(backend.awaitRequest().method()).isEqualTo("PURGE");
    }
}
