package dev.candor.process;

import dev.candor.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 1 GiB bodies in both directions through a proxy JVM with a 64 MiB heap: the proxy must stream with
 * backpressure, never buffer. Both ends digest on the fly, so the test JVM never holds a body either.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HugeBodiesTest {
    private static final long SIZE = Payload.GIB;
    private static final long SEED = 0xC0FFEE;

    @TempDir
    Path dir;

    private final AtomicReference<Payload.Digested> backendSaw = new AtomicReference<>();
    private TestBackend backend;
    private CandorProcess candor;
    private int port;

    @AfterEach
    void stop() throws Exception {
        try {
            if (candor != null) {
                candor.close();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Test
    void aOneGibibyteDownloadArrivesIntactThroughA64MibHeap() throws Exception {
        startProxyInFrontOf((request, body, out) -> {
            HttpWire.writeAscii(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + SIZE + "\r\n\r\n");
            backendSaw.set(copyDigesting(Payload.pseudoRandom(SEED, SIZE), out, false, new AtomicLong()));
        });

        long start = System.nanoTime();
        Payload.Digested received;
        HttpWire.Head head;
        try (RawClient client = RawClient.connect(port, Duration.ofSeconds(30))) {
            client.sendHead("GET", "/download");
            head = client.readResponseHead();
            assertThat(head.status()).as(() -> "status; " + diagnostics()).isEqualTo(200);
            received = Payload.digest(client.body(head));
        } catch (IOException e) {
            throw new AssertionError("download failed " + elapsed(start) + " s in; backend failures "
                    + backend.failures() + "\n" + diagnostics(), e);
        }
        report("download", start);

        assertThat(head.contentLength()).as("Content-Length passed through").isEqualTo(SIZE);
        assertThat(received.bytes()).isEqualTo(SIZE);
        assertThat(received.sha256()).as("SHA-256 at the client vs at the backend").isEqualTo(backendSaw.get().sha256());
        assertThat(candor.isAlive()).as(() -> "proxy still running (no OOM); " + diagnostics()).isTrue();
    }

    @ParameterizedTest(name = "framed by {0}")
    @ValueSource(strings = {"content-length", "chunked"})
    void aOneGibibyteUploadArrivesIntactThroughA64MibHeap(String framing) throws Exception {
        startProxyInFrontOf((request, body, out) -> {
            Payload.Digested saw = Payload.digest(body);
            backendSaw.set(saw);
            byte[] text = (saw.bytes() + " " + saw.sha256() + "\n").getBytes(StandardCharsets.US_ASCII);
            HttpWire.writeAscii(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + text.length + "\r\n\r\n");
            out.write(text);
        });
        boolean chunked = framing.equals("chunked");

        long start = System.nanoTime();
        Payload.Digested sent;
        HttpWire.Head head;
        String answer;
        AtomicLong written = new AtomicLong();
        try (RawClient client = RawClient.connect(port, Duration.ofSeconds(30))) {
            client.sendHead("POST", "/upload", "Content-Type: application/octet-stream",
                    chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + SIZE);
            sent = copyDigesting(Payload.pseudoRandom(SEED, SIZE), client.out(), chunked, written);
            client.out().flush();
            head = client.readResponseHead();
            answer = new String(client.body(head).readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError("upload failed after " + written.get() + " of " + SIZE + " bytes were written, "
                    + elapsed(start) + " s in; backend failures " + backend.failures() + "\n" + diagnostics(), e);
        }
        report("upload (" + framing + ")", start);

        assertThat(head.status()).as(() -> "status; body " + answer + "; " + diagnostics()).isEqualTo(200);
        assertThat(answer).as("the backend's own answer reached the client").isEqualTo(sent.bytes() + " " + sent.sha256() + "\n");
        assertThat(backendSaw.get()).isEqualTo(new Payload.Digested(SIZE, sent.sha256()));
        assertThat(candor.isAlive()).as(() -> "proxy still running (no OOM); " + diagnostics()).isTrue();
    }

    /** The process output and the access log (given a moment: it is written asynchronously), for failures. */
    private String diagnostics() {
        Path file = dir.resolve("access.log");
        String log;
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.exists(file) && Files.size(file) > 0);
        } catch (ConditionTimeoutException e) {
            // report what there is
        }
        try {
            log = Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            log = "(unreadable: " + e + ")";
        }
        return candor.diagnostics() + "\n--- access log ---\n" + log;
    }

    private void startProxyInFrontOf(TestBackend.Handler handler) throws IOException {
        backend = TestBackend.start(handler);
        port = Ports.freePort();
        Path config = CandorYaml.proxy(port, backend.port())
                .maxBodySize("0")
                .accessLog(dir.resolve("access.log"))
                .writeTo(dir);
        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));
    }

    /** Copies {@code in} to {@code out} (as chunks when asked) and digests what was written. */
    private static Payload.Digested copyDigesting(InputStream in, OutputStream out, boolean asChunks, AtomicLong written)
            throws IOException {
        MessageDigest sha = Payload.sha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            if (asChunks) {
                HttpWire.writeChunk(out, buffer, 0, n);
            } else {
                out.write(buffer, 0, n);
            }
            total += n;
            written.set(total);
        }
        if (asChunks) {
            HttpWire.writeLastChunk(out);
        }
        return new Payload.Digested(total, HexFormat.of().formatHex(sha.digest()));
    }

    private static String elapsed(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    private static void report(String what, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("HugeBodiesTest: %s of %d MiB in %.1f s = %.0f MiB/s%n",
                what, SIZE / Payload.MIB, seconds, SIZE / (double) Payload.MIB / seconds);
    }
}
