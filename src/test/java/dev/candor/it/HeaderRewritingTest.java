package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §5: what Candor adds, removes and keeps in header sections, both ways. */
class HeaderRewritingTest {
    private static final String[] HOP_BY_HOP = {
            "Keep-Alive", "TE", "Upgrade", "Proxy-Connection", "Trailer", "Transfer-Encoding"};

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend));

    @Test
    void hopByHopHeadersAndTheOnesNamedInConnectionNeverReachTheBackend() {
        RawResponse response = proxy.get("/hop",
                "Connection: keep-alive, X-Custom-Hop",
                "Keep-Alive: timeout=5",
                "TE: trailers",
                "Upgrade: websocket",
                "Proxy-Connection: keep-alive",
                "Trailer: X-Checksum",
                "X-Custom-Hop: secret",
                "X-End-To-End: kept");

        assertThat(response.status()).isEqualTo(200);
        RecordedRequest received = backend.awaitRequest();
        for (String name : HOP_BY_HOP) {
            assertThat(received.hasHeader(name)).as(name).isFalse();
        }
        assertThat(received.hasHeader("X-Custom-Hop")).isFalse();
        assertThat(received.headers("Connection")).noneMatch(v -> v.toLowerCase().contains("x-custom-hop"));
        assertThat(received.header("X-End-To-End")).isEqualTo("kept");
    }

    @Test
    void hopByHopHeadersAndUpstreamFingerprintsNeverReachTheClient() {
        backend.script((request, reply) -> reply.raw("""
                HTTP/1.1 200 OK\r
                Connection: X-Backend-Hop\r
                Keep-Alive: timeout=5, max=100\r
                X-Backend-Hop: secret\r
                Proxy-Connection: keep-alive\r
                TE: trailers\r
                Trailer: X-Checksum\r
                Server: Apache/2.4.1 (Unix)\r
                X-Powered-By: PHP/8.3\r
                X-App: kept\r
                Content-Length: 2\r
                \r
                ok"""));

        RawResponse response = proxy.get("/fingerprints");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("ok");
        for (String name : HOP_BY_HOP) {
            assertThat(response.hasHeader(name)).as(name).isFalse();
        }
        assertThat(response.hasHeader("X-Backend-Hop")).isFalse();
        assertThat(response.headers("Connection")).noneMatch(v -> v.toLowerCase().contains("x-backend-hop"));
        assertThat(response.hasHeader("Server")).isFalse();
        assertThat(response.hasHeader("X-Powered-By")).isFalse();
        assertThat(response.header("X-App")).isEqualTo("kept");
    }

    @Test
    void forwardingHeadersAreAppendedToWhatTheClientSent() {
        RawResponse response = proxy.get("/fwd",
                "Host: shop.example:8080",
                "X-Forwarded-For: 203.0.113.9",
                "Via: 1.0 edge");

        assertThat(response.status()).isEqualTo(200);
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.header("Host")).isEqualTo("shop.example:8080");
        assertThat(received.headers("X-Forwarded-For")).containsExactly("203.0.113.9, 127.0.0.1");
        assertThat(received.headers("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.headers("X-Forwarded-Host")).containsExactly("shop.example:8080");
        assertThat(received.headers("Via")).containsExactly("1.0 edge, 1.1 candor");
    }

    @Test
    void forwardingHeadersAreCreatedWhenAbsentAndSpoofedProtoAndHostAreOverwritten() {
        proxy.get("/fwd", "Host: shop.example", "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example");

        RecordedRequest received = backend.awaitRequest();
        assertThat(received.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(received.headers("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.headers("X-Forwarded-Host")).containsExactly("shop.example");
        assertThat(received.headers("Via")).containsExactly("1.1 candor");
    }

    @Test
    void aValidRequestIdIsKeptAndIsTheSameAtTheBackendTheClientAndInTheAccessLog() {
        String id = "Abc-123_.:xyz";

        RawResponse response = proxy.get("/id", "X-Request-Id: " + id);

        assertThat(response.headers("X-Request-Id")).containsExactly(id);
        assertThat(backend.awaitRequest().headers("X-Request-Id")).containsExactly(id);
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(200);
        assertThat(entry.error()).isNull();
    }

    @ParameterizedTest(name = "[{index}] X-Request-Id: \"{0}\"")
    @ValueSource(strings = {"has space", "semi;colon", "quote\"d", "é-accented", ""})
    void anInvalidRequestIdIsReplacedEverywhereByAGeneratedOne(String invalid) {
        assertReplaced(proxy.get("/id", "X-Request-Id: " + invalid), invalid);
    }

    @Test
    void aRequestIdLongerThan128CharactersIsReplaced() {
        String tooLong = "a".repeat(129);
        assertReplaced(proxy.get("/id", "X-Request-Id: " + tooLong), tooLong);
    }

    @Test
    void aRequestIdOf128CharactersIsKept() {
        String longest = "b".repeat(128);
        RawResponse response = proxy.get("/id", "X-Request-Id: " + longest);
        assertThat(response.header("X-Request-Id")).isEqualTo(longest);
        assertThat(backend.awaitRequest().header("X-Request-Id")).isEqualTo(longest);
    }

    @Test
    void aMissingRequestIdIsGeneratedAndSharedByBackendClientAndAccessLog() {
        assertReplaced(proxy.get("/id"), null);
    }

    private void assertReplaced(RawResponse response, String sent) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers("X-Request-Id")).hasSize(1);
        String id = response.header("X-Request-Id");
        assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo(sent);
        assertThat(backend.awaitRequest().headers("X-Request-Id")).containsExactly(id);
        assertThat(proxy.awaitEntry(response).requestId()).isEqualTo(id);
    }

    @Test
    void endToEndHeadersKeepTheirOrderAndDuplicatesInBothDirections() {
        backend.script((request, reply) -> reply.raw("""
                HTTP/1.1 200 OK\r
                X-Z: 1\r
                Set-Cookie: a=1\r
                X-Y: 2\r
                Set-Cookie: b=2\r
                Content-Length: 0\r
                \r
                """));

        RawResponse response = proxy.get("/order", "X-B: 1", "X-A: 2", "X-B: 3", "Cookie: a=1", "Cookie: b=2");

        RecordedRequest received = backend.awaitRequest();
        assertThat(received.headerNames()).containsSubsequence("x-b", "x-a", "x-b", "cookie", "cookie");
        assertThat(received.headers("X-B")).containsExactly("1", "3");
        assertThat(received.headers("Cookie")).containsExactly("a=1", "b=2");
        assertThat(response.headerNames()).containsSubsequence("x-z", "set-cookie", "x-y", "set-cookie");
        assertThat(response.headers("Set-Cookie")).containsExactly("a=1", "b=2");
    }
}
