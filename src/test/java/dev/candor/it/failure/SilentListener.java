package dev.candor.it.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose SYNs go unanswered, without root: a listener with a backlog of 1 that never
 * accepts, its accept queue filled with client sockets. Linux then drops further SYNs (it neither
 * completes nor refuses them), which is what a host behind a dropping firewall looks like.
 */
public final class SilentListener implements AutoCloseable {
    private static final int MAX_FILLERS = 16;
    private static final int PROBE_TIMEOUT_MS = 200;

    private final ServerSocket server;
    private final List<Socket> fillers;

    private SilentListener(ServerSocket server, List<Socket> fillers) {
        this.server = server;
        this.fillers = fillers;
    }

    /**
     * Fills the accept queue until a connect attempt times out, or gives up after a bounded number of
     * tries (on a kernel that keeps completing handshakes) and returns null.
     */
    public static SilentListener open() {
        ServerSocket server = null;
        List<Socket> fillers = new ArrayList<>();
        try {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            for (int i = 0; i < MAX_FILLERS; i++) {
                Socket probe = new Socket();
                try {
                    probe.connect(address, PROBE_TIMEOUT_MS);
                    fillers.add(probe); // completed by the kernel: it now waits in the accept queue
                } catch (SocketTimeoutException full) {
                    probe.close();
                    return new SilentListener(server, fillers);
                }
            }
            closeAll(server, fillers);
            return null;
        } catch (IOException e) {
            closeAll(server, fillers);
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        closeAll(server, fillers);
    }

    private static void closeAll(ServerSocket server, List<Socket> fillers) {
        for (Socket s : fillers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test socket: nothing to do about a failure
            }
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // as above
            }
        }
    }
}
