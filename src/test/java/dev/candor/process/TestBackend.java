package dev.candor.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP/1.1 backend in the test JVM on 127.0.0.1 and an ephemeral port: plain blocking sockets, one
 * thread per connection, keep-alive, and a scripted {@link Handler} per request. Blocking I/O keeps the
 * backend obviously correct, and the proxy's backpressure is what decides how fast it may go.
 */
final class TestBackend implements AutoCloseable {

    /** Answers one request: reads what it wants of the body (the rest is drained) and writes a response. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpWire.Head request, InputStream body, OutputStream out) throws IOException;
    }

    /** Runs the backend's scripted delays; tests themselves never wait on time, only on events. */
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-backend-clock");
        t.setDaemon(true);
        return t;
    });

    private final ServerSocket server;
    private final Handler handler;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-backend");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<HttpWire.Head> received = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private TestBackend(ServerSocket server, Handler handler) {
        this.server = server;
        this.handler = handler;
    }

    static TestBackend start(Handler handler) throws IOException {
        requireNonNull(handler, "handler");
        TestBackend backend = new TestBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
        backend.threads.execute(backend::acceptLoop);
        return backend;
    }

    /** Holds a handler for a scripted time, e.g. "the head comes 1.5 s late". */
    static void delay(Duration duration) throws IOException {
        try {
            CLOCK.schedule(() -> { }, duration.toMillis(), TimeUnit.MILLISECONDS).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backend closed during a scripted delay");
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Request heads in the order they arrived (recorded before the handler runs). */
    List<HttpWire.Head> received() {
        return List.copyOf(received);
    }

    /** What went wrong on connections, for assertion messages. */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failures.add(e);
                }
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            HttpWire.Head request;
            while ((request = HttpWire.readHead(in)) != null) {
                received.add(request);
                InputStream body = HttpWire.body(request, in, false);
                handler.handle(request, body, out);
                out.flush();
                body.transferTo(OutputStream.nullOutputStream());
                if ("close".equalsIgnoreCase(request.header("connection"))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!server.isClosed()) {
                failures.add(e);
            }
        } finally {
            connections.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
