package dev.candor.it;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Payload;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.RecordedRequest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bodies cross the proxy byte for byte, whatever their framing on either side. */
class BodyStreamingTest {
    private static final int MIB = 1024 * 1024;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(backend,
            "limits: { max_body_size: 64MiB }", "timeouts: { idle: 5s }"));

    @Test
    void aContentLengthRequestBodyAndResponseBodyArriveByteExact() {
        int up = 100_000;
        int down = 123_457;
        backend.script((request, reply) -> reply.stream(200, down, "Content-Type", "application/octet-stream"));

        RawResponse response;
        try (RawHttp client = proxy.connect()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: " + up + "\r\n\r\n");
            response = client.sendPayload(up).read();
        }

        RecordedRequest received = backend.awaitRequest();
        assertThat(received.header("Content-Length")).isEqualTo(String.valueOf(up));
        assertThat(received.bodyLength()).isEqualTo(up);
        assertThat(received.body()).isEqualTo(Payload.bytes(up));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.framing()).isEqualTo(RawResponse.Framing.CONTENT_LENGTH);
        assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(down));
        assertThat(response.body()).isEqualTo(Payload.bytes(down));
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(200);
        assertThat(entry.bytesSent()).isEqualTo(down);
        assertThat(entry.upstreamStatus()).isEqualTo(200);
    }

    @Test
    void aChunkedRequestBodyReachesTheBackendWithTheSameBytes() {
        byte[] first = Payload.slice(0, 1000);
        byte[] second = Payload.slice(1000, 70_000); // larger than one decoder chunk (64 KiB)
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes("POST /chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        wire.writeBytes((Integer.toHexString(first.length) + ";ext=1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        wire.writeBytes(first);
        wire.writeBytes(("\r\n" + Integer.toHexString(second.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        wire.writeBytes(second);
        wire.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

        RawResponse response;
        try (RawHttp client = proxy.connect()) {
            response = client.send(wire.toByteArray()).read();
        }

        assertThat(response.status()).isEqualTo(200);
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(received.hasHeader("Content-Length")).isFalse();
        assertThat(received.body()).isEqualTo(Payload.bytes(71_000));
    }

    @Test
    void aRequestBodySentInPiecesStreamsToTheBackendPieceByPiece() {
        int piece = 16 * 1024;
        RawResponse response;
        try (RawHttp client = proxy.connect()) {
            client.send("POST /pieces HTTP/1.1\r\nHost: test\r\nContent-Length: " + 3 * piece + "\r\n\r\n");
            await().atMost(Duration.ofSeconds(3)).until(() -> backend.requestHeads() == 1);
            for (int i = 1; i <= 2; i++) {
                client.send(Payload.slice((long) (i - 1) * piece, piece));
                long expected = (long) i * piece;
                await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                        assertThat(backend.bodyBytesReceived()).as("body bytes at the backend").isEqualTo(expected));
            }
            response = client.send(Payload.slice(2L * piece, piece)).read();
        }

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.awaitRequest().body()).isEqualTo(Payload.bytes(3 * piece));
    }

    @Test
    void aChunkedResponseWithTrailersReachesAnHttp11ClientWithItsTrailers() {
        backend.script((request, reply) -> reply.chunked(200, List.of("hello ", "chunked ", "world"),
                List.of("X-Checksum: 42", "X-Count: 3"), "Trailer", "X-Checksum, X-Count"));

        RawResponse response = proxy.get("/trailers");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
        assertThat(response.bodyText()).isEqualTo("hello chunked world");
        assertThat(response.trailer("X-Checksum")).isEqualTo("42");
        assertThat(response.trailer("X-Count")).isEqualTo("3");
        assertThat(proxy.awaitEntry(response).bytesSent()).isEqualTo(19);
    }

    @Test
    void aCloseDelimitedUpstreamResponseIsRechunkedForAnHttp11ClientWhoseConnectionStaysUsable() {
        backend.script((request, reply) -> {
            if (request.uri().equals("/eof")) {
                reply.closeDelimited(200, Payload.bytes(10_000));
            } else {
                reply.send(200, "next");
            }
        });

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(RawHttp.request("GET", "/eof")).read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(response.complete()).isTrue();
            assertThat(response.body()).isEqualTo(Payload.bytes(10_000));
            assertThat(proxy.awaitEntry(response).error()).isNull();

            RawResponse next = client.send(RawHttp.request("GET", "/next")).read();
            assertThat(next.bodyText()).isEqualTo("next");
        }
    }

    @Test
    void aCloseDelimitedUpstreamResponseStaysCloseDelimitedForAnHttp10Client() {
        backend.script((request, reply) -> reply.closeDelimited(200, Payload.bytes(10_000)));

        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send("GET /eof HTTP/1.0\r\nHost: test\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.framing()).isEqualTo(RawResponse.Framing.UNTIL_CLOSE);
            assertThat(response.hasHeader("Transfer-Encoding")).isFalse();
            assertThat(response.body()).isEqualTo(Payload.bytes(10_000));
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.protocol()).isEqualTo("HTTP/1.0");
            assertThat(entry.bytesSent()).isEqualTo(10_000);
            assertThat(entry.error()).isNull();
        }
    }

    @Test
    void aTwentyMebibyteUploadArrivesWithTheSameDigest() {
        long size = 20L * MIB;
        RawResponse response;
        try (RawHttp client = proxy.connect()) {
            client.send("PUT /big HTTP/1.1\r\nHost: test\r\nContent-Length: " + size + "\r\n\r\n");
            response = client.sendPayload(size).read();
        }

        assertThat(response.status()).isEqualTo(200);
        RecordedRequest received = backend.awaitRequest();
        assertThat(received.bodyLength()).isEqualTo(size);
        assertThat(received.bodySha256()).isEqualTo(Payload.sha256(size));
    }

    @Test
    void aTwentyMebibyteDownloadArrivesWithTheSameDigest() {
        long size = 20L * MIB;
        backend.script((request, reply) -> reply.stream(200, size));

        RawResponse response = proxy.get("/big");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyLength()).isEqualTo(size);
        assertThat(response.bodySha256()).isEqualTo(Payload.sha256(size));
        assertThat(proxy.awaitEntry(response).bytesSent()).isEqualTo(size);
    }
}
