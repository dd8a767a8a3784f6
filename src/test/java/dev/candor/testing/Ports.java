package dev.candor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for tests that need one where nothing listens. */
public final class Ports {

    private Ports() {
    }

    /** A loopback port bound once to learn it, then released: connecting to it is refused. */
    public static int refusing() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
