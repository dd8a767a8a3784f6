package dev.candor.explain;

import dev.candor.it.failure.SilentListener;
import dev.candor.testing.BackendScript;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One misbehaving backend (or port) per fault a proxy can meet, each behind its own path, so the error type
 * the explanation must find is known from the fault injected. The proxies under test give each path its own
 * upstream, with a 1 s connect and read timeout.
 */
final class Faults {
    /** Longer than the proxies' 1 s timeouts, shorter than the client's patience. */
    static final Duration CLIENT_WAIT = Duration.ofSeconds(6);

    /** Path (without the leading slash) → the backend port behind it, in the order the requests are sent. */
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final int silentPort;

    Faults(Cleanup cleanup) {
        ports.put("ok", backend(cleanup, BackendScript.ok("fine")));
        ports.put("own503", backend(cleanup, (req, reply) -> reply.send(503, "down for maintenance")));
        ports.put("refused", Ports.refusing());
        ports.put("slow", backend(cleanup, (req, reply) -> reply.hang()));
        ports.put("reset", backend(cleanup, (req, reply) -> reply.reset()));
        ports.put("closed", backend(cleanup, (req, reply) -> reply.close()));
        ports.put("midbody", backend(cleanup, (req, reply) -> reply.streamPrefix(200, 100_000, 10).close()));
        ports.put("stall", backend(cleanup, (req, reply) -> reply.streamPrefix(200, 100_000, 10).hang()));
        ports.put("garbage", backend(cleanup, (req, reply) -> reply.raw("SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n").close()));
        ports.put("bighead", backend(cleanup, (req, reply) -> reply.send(200, "big", "X-Big", "a".repeat(70_000))));
        SilentListener silent = SilentListener.open();
        silentPort = silent == null ? -1 : silent.port();
        if (silent != null) {
            cleanup.add(silent);
            ports.put("silent", silent.port());
        }
    }

    private static int backend(Cleanup cleanup, BackendScript script) {
        return cleanup.add(TestBackend.start(script)).port();
    }

    /**
     * Sends {@code GET path} to the proxy on {@code port} and reads the answer until the proxy closes (or
     * {@link #CLIENT_WAIT} passes); returns the status line, or "" when none came.
     */
    static String get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            s.setSoTimeout((int) CLIENT_WAIT.toMillis());
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n"
                    + "User-Agent: candor-test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; got.size() < 1 << 20 && (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException stopped) {
                // the answer so far is what the client got
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int eol = text.indexOf("\r\n");
            return eol < 0 ? "" : text.substring(0, eol);
        } catch (IOException e) {
            return "";
        }
    }

    /** Sends {@code GET path} and hangs up after {@code after}, before any answer: a client that gave up. */
    static void getAndHangUp(int port, String path, Duration after) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: app.test\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.setSoTimeout((int) after.toMillis());
            try {
                s.getInputStream().read();
            } catch (SocketTimeoutException expected) {
                // gave up
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
