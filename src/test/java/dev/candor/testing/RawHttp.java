package dev.candor.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-socket HTTP/1.1 client that writes exactly the bytes a test gives it and reads responses with
 * exact framing, refusing anything a correct server would not send (bare LF, bad chunk sizes). Every
 * read has a deadline (5 s by default), so a test fails instead of hanging.
 */
public final class RawHttp implements AutoCloseable {
    private static final int KEEP_BODY_BYTES = 64 * 1024 * 1024;
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Talks over an already connected socket (e.g. a TLS one from {@link TlsClients}); sets a 5 s read deadline. */
    public static RawHttp over(Socket socket) {
        try {
            socket.setSoTimeout(5_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a connection with a 5 s read deadline. */
    public static RawHttp connect(InetSocketAddress address) {
        return connect(address, null);
    }

    /**
     * Opens a connection from {@code localAddress} (any port), e.g. 127.0.0.2: on Linux every 127/8
     * address is loopback, so one machine can be many clients to {@code ip_hash}. Null means any.
     */
    public static RawHttp connect(InetSocketAddress address, InetAddress localAddress) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(5_000);
            if (localAddress != null) {
                s.bind(new InetSocketAddress(localAddress, 0));
            }
            s.connect(address, 5_000);
            return new RawHttp(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one request (ISO-8859-1 text) on a new connection and reads one response; closes. */
    public static RawResponse exchange(InetSocketAddress address, String request) {
        try (RawHttp c = connect(address)) {
            return c.send(request).read();
        }
    }

    /** {@code GET path} with Host: test and the given header lines ("Name: value"). */
    public static RawResponse get(InetSocketAddress address, String path, String... headerLines) {
        return exchange(address, request("GET", path, headerLines));
    }

    /** The text of a bodyless HTTP/1.1 request with Host: test unless a Host line is given. */
    public static String request(String method, String path, String... headerLines) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String line : headerLines) {
            host |= line.regionMatches(true, 0, "host:", 0, 5);
        }
        if (!host) {
            b.append("Host: test\r\n");
        }
        for (String line : headerLines) {
            b.append(line).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** Changes the read deadline. */
    public RawHttp readTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Streams the first {@code size} {@link Payload} bytes. */
    public RawHttp sendPayload(long size) {
        try {
            Payload.writeTo(out, size);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Reads one response to a request that may have a body (not HEAD). */
    public RawResponse read() {
        return read(false);
    }

    /** Reads one response to a HEAD request: never a body, whatever the headers say. */
    public RawResponse readHeadResponse() {
        return read(true);
    }

    /** Reads only a response's status line and headers, leaving its body unread ({@code complete} is false). */
    public RawResponse readHeadOnly() {
        try {
            Head head = readHead();
            return head.response(framing(false, head.status, head.headers), new BodySink(0), List.of(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RawResponse read(boolean toHead) {
        try {
            Head head = readHead();
            RawResponse.Framing framing = framing(toHead, head.status, head.headers);
            BodySink body = new BodySink(KEEP_BODY_BYTES);
            List<Header> trailers = List.of();
            boolean complete = switch (framing) {
                case NONE -> true;
                case CONTENT_LENGTH -> copy(body, Long.parseLong(Header.first(head.headers, "Content-Length").trim()));
                case UNTIL_CLOSE -> {
                    copy(body, Long.MAX_VALUE);
                    yield true; // the close is the end; a cut cannot be told apart (RFC 9112 §6.3)
                }
                case CHUNKED -> {
                    boolean whole = readChunks(body);
                    if (whole) {
                        trailers = readFields();
                    }
                    yield whole;
                }
            };
            return head.response(framing, body, trailers, complete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A status line and header section. */
    private record Head(String version, int status, String reason, List<Header> headers) {
        RawResponse response(RawResponse.Framing framing, BodySink body, List<Header> trailers, boolean complete) {
            return new RawResponse(version, status, reason, headers, framing, body.length(), body.sha256(),
                    body.bytes(), trailers, complete);
        }
    }

    private Head readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a status line");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
            throw new IOException("not a status line: " + statusLine);
        }
        return new Head(parts[0], Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", readFields());
    }

    private static RawResponse.Framing framing(boolean toHead, int status, List<Header> headers) {
        if (toHead || status < 200 || status == 204 || status == 304) {
            return RawResponse.Framing.NONE;
        }
        String te = Header.first(headers, "Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).trim().endsWith("chunked")) {
            return RawResponse.Framing.CHUNKED;
        }
        if (Header.first(headers, "Content-Length") != null) {
            return RawResponse.Framing.CONTENT_LENGTH;
        }
        return RawResponse.Framing.UNTIL_CLOSE;
    }

    /** Copies up to {@code length} bytes; false when the connection ended first. */
    private boolean copy(BodySink body, long length) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = readSome(buf, (int) Math.min(buf.length, left));
            if (n < 0) {
                return false;
            }
            body.add(buf, 0, n);
            left -= n;
        }
        return true;
    }

    /** Reads chunks up to the last (zero) one; false when the connection ended first. */
    private boolean readChunks(BodySink body) throws IOException {
        for (int guard = 0; guard < 10_000_000; guard++) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                return false;
            }
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                return true;
            }
            if (!copy(body, size)) {
                return false;
            }
            String end = readLine();
            if (end == null) {
                return false;
            }
            if (!end.isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
        throw new IOException("too many chunks");
    }

    private List<Header> readFields() throws IOException {
        List<Header> fields = new ArrayList<>();
        for (int guard = 0; guard < 10_000; guard++) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed inside a header section");
            }
            if (line.isEmpty()) {
                return fields;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header line: " + line);
            }
            fields.add(new Header(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        throw new IOException("too many header lines");
    }

    /** One CRLF-terminated line without its CRLF; null at EOF before any byte; a bare LF is an error. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < MAX_LINE) {
            int b = readByte();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed mid-line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b == '\n') {
                throw new IOException("bare LF after: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b == '\r') {
                if (readByte() != '\n') {
                    throw new IOException("CR not followed by LF");
                }
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        throw new IOException("line longer than " + MAX_LINE);
    }

    /** A reset by the peer counts as the end of the stream: for a client both mean "closed". */
    private int readByte() throws IOException {
        try {
            return in.read();
        } catch (SocketException e) {
            return -1;
        }
    }

    private int readSome(byte[] buf, int max) throws IOException {
        try {
            return in.read(buf, 0, max);
        } catch (SocketException e) {
            return -1;
        }
    }

    /**
     * True when the server closes the connection within the read deadline (bytes still arriving before
     * the close are read and dropped); false when it stays open.
     */
    public boolean closedByPeer() {
        byte[] buf = new byte[8192];
        try {
            for (int guard = 0; guard < 100_000; guard++) {
                if (readSome(buf, buf.length) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Half-closes: the server sees EOF on the request stream. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
