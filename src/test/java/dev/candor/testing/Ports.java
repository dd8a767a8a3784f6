package dev.candor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for tests: one where nothing listens, and a check that something does. */
public final class Ports {

    private Ports() {
    }

    /**
     * A loopback port bound once to learn it, then released: connecting to it is refused, and a child
     * process told to listen there will usually get it (another process could take it in between; the
     * window is tiny and the child would then fail loudly).
     */
    public static int refusing() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same as {@link #refusing()}, named for the caller who means to listen on it. */
    public static int freePort() {
        return refusing();
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
