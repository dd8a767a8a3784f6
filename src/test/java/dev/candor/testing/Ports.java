package dev.candor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports for tests: one where nothing listens, one to listen on, and a check that something does. */
public final class Ports {

    private Ports() {
    }

    /** Sockets that hold refusing ports for the rest of the test run (a few per run, closed with the JVM). */
    private static final List<Socket> HELD = new ArrayList<>();

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
     * A loopback port bound once to learn it, then released, for a child process told to listen there
     * (another process could take it in between; the window is tiny and the child would then fail loudly).
     */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
