package dev.candor.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for child processes that must be told their port up front. */
final class Ports {

    private Ports() {
    }

    /**
     * A port that was free a moment ago: bound to 127.0.0.1:0, then released. Another process could
     * take it before the child binds it; the window is tiny and the child would then fail loudly.
     */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a TCP connect to 127.0.0.1:port succeeds now (the connection is closed at once). */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
