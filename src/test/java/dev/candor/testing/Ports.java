package dev.candor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for tests: one where nothing listens, one to listen on, and a check that something does. */
public final class Ports {

    private Ports() {
    }

    /** Sockets that hold refusing ports for the rest of the test run (a few per run, closed with the JVM). */
    private static final List<Socket> HELD = new ArrayList<>();

    /** Where {@link #freePort} starts looking, below the kernel's ephemeral range (read once; 0 off Linux). */
    private static final int FIXED_FROM = 15000;
    private static final int EPHEMERAL_LOW = ephemeralLow();

    /**
     * A loopback port where nothing listens, and where nothing else can start listening: a socket is
     * bound to it and kept, without listening, for the rest of the run. Connecting to it is refused,
     * even while other tests (or another test run on the machine) bind ports of their own.
     */
    public static int refusing() {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (HELD) {
            HELD.add(s);
        }
        return s.getLocalPort();
    }

    /**
     * A loopback port free now, for a child process told to listen there. On Linux it lies below the
     * kernel's ephemeral range, so no socket bound to port 0 and no outgoing connection can take it before
     * the child binds it (a demo's own backends, bound to port 0 while it starts, once did). Elsewhere it
     * is a port the kernel hands out and takes back, which another process could take in between.
     */
    public static int freePort() {
        if (EPHEMERAL_LOW > FIXED_FROM + 1000) {
            int span = EPHEMERAL_LOW - FIXED_FROM;
            int start = ThreadLocalRandom.current().nextInt(span);
            for (int i = 0; i < span; i++) {
                int port = FIXED_FROM + (start + i) % span;
                if (bindable(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a TCP connect to 127.0.0.1:port succeeds now (the connection is closed at once). */
    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
