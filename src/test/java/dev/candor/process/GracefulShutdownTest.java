package dev.candor.process;

import dev.candor.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM drains (SPEC section 1): stop accepting at once, let in-flight requests finish within
 * {@code shutdown_grace}, cut what is left when it runs out, and exit 0 either way.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GracefulShutdownTest {
    private static final int HALF = 32 * 1024;

    @TempDir
    Path dir;

    /** Lets a backend that "never finishes" go when the test is over. */
    private final CountDownLatch endOfTest = new CountDownLatch(1);
    private TestBackend backend;
    private CandorProcess candor;
    private int port;

    @AfterEach
    void stop() throws Exception {
        endOfTest.countDown();
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
    void sigtermLetsTheSlowInFlightResponseFinishRefusesNewConnectionsAndExitsZero() throws Exception {
        byte[] body = new byte[2 * HALF];
        Arrays.fill(body, (byte) 'x');
        startProxy("10s", (request, requestBody, out) -> {
            TestBackend.delay(Duration.ofMillis(1500));
            HttpWire.writeAscii(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n");
            out.write(body, 0, HALF);
            out.flush();
            TestBackend.delay(Duration.ofSeconds(1));
            out.write(body, HALF, HALF);
        });
        CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(this::getSlowly);
        await("the backend has the request").atMost(Duration.ofSeconds(10)).until(() -> !backend.received().isEmpty());

        candor.terminate();

        await("new connections refused after SIGTERM").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> !Ports.accepts(port));
        assertThat(inFlight).as("still in flight when the listener closed (it needs ~2.5 s)").isNotDone();
        Response response = inFlight.get(15, TimeUnit.SECONDS);
        assertThat(response.status()).as(candor.diagnostics()).isEqualTo(200);
        assertThat(response.body()).as("the whole body, not a cut one").isEqualTo(body);
        assertThat(candor.awaitExit(Duration.ofSeconds(10))).as(candor.diagnostics()).isZero();
    }

    @Test
    void whenShutdownGraceRunsOutTheStuckRequestIsCutAndTheProcessStillExitsZero() throws Exception {
        startProxy("1s", (request, requestBody, out) -> {
            HttpWire.writeAscii(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n");
            out.write(new byte[1024]);
            out.flush();
            try {
                endOfTest.await(60, TimeUnit.SECONDS); // never finishes while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(this::getSlowly);
        await("the backend has the request").atMost(Duration.ofSeconds(10)).until(() -> !backend.received().isEmpty());

        long signalled = System.nanoTime();
        candor.terminate();
        int status = candor.awaitExit(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        assertThat(status).as(candor.diagnostics()).isZero();
        assertThat(took).as("waited for the 1 s grace, then stopped").isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        await("the client connection was closed").atMost(Duration.ofSeconds(5)).until(inFlight::isDone);
        assertThat(inFlight).as("the cut response ends in an I/O error at the client, never a clean end")
                .isCompletedExceptionally();
    }

    private void startProxy(String grace, TestBackend.Handler handler) throws IOException {
        backend = TestBackend.start(handler);
        port = Ports.freePort();
        Path config = CandorYaml.proxy(port, backend.port())
                .shutdownGrace(grace)
                .accessLog(dir.resolve("access.log"))
                .writeTo(dir);
        candor = CandorProcess.start(dir, "run", "-c", config.toString());
        candor.awaitAccepting(port, Duration.ofSeconds(30));
    }

    private record Response(int status, byte[] body) {
    }

    /** GET /slow on a fresh connection; reads the whole body (an I/O error if it is cut). */
    private Response getSlowly() {
        try (RawClient client = RawClient.connect(port, Duration.ofSeconds(20))) {
            client.sendHead("GET", "/slow");
            HttpWire.Head head = client.readResponseHead();
            try (InputStream body = client.body(head)) {
                return new Response(head.status(), body.readAllBytes());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
