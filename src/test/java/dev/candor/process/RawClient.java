package dev.candor.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * One client connection to the proxy over a plain socket, so a test sees exactly what is on the wire:
 * streamed request bodies, the response head, and whether the proxy closed the connection.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Connects to 127.0.0.1:port; every read gives up after {@code readTimeout} of silence. */
    static RawClient connect(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes a request head; {@code fields} are whole header lines such as {@code "Content-Length: 3"}. */
    void sendHead(String method, String target, String... fields) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: candor.test\r\n");
        for (String field : fields) {
            head.append(field).append("\r\n");
        }
        HttpWire.writeAscii(out, head.append("\r\n").toString());
        out.flush();
    }

    /** Where a request body goes; flush it when done. */
    OutputStream out() {
        return out;
    }

    HttpWire.Head readResponseHead() throws IOException {
        HttpWire.Head head = HttpWire.readHead(in);
        if (head == null) {
            throw new IOException("the proxy closed the connection without a response");
        }
        return head;
    }

    /** The body of a response with this head (read until close when it has no framing). */
    InputStream body(HttpWire.Head head) {
        return HttpWire.body(head, in, true);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
