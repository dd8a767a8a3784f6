package dev.candor.process;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough HTTP/1.1 framing for the test's own clients and backends: read a head, frame a body by
 * Content-Length or chunked (RFC 9112 section 7.1), write chunks. Bodies are streams, never buffered.
 */
final class HttpWire {
    static final int MAX_HEAD = 64 * 1024;

    private HttpWire() {
    }

    /** A parsed start line and header fields (names lower-cased; the last value of a repeated name wins). */
    record Head(String startLine, Map<String, String> headers) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() {
            String cl = header("content-length");
            return cl == null ? -1 : Long.parseLong(cl.trim());
        }

        /** The status code of a response head. */
        int status() {
            String[] parts = startLine.split(" ", 3);
            return Integer.parseInt(parts[1]);
        }
    }

    /** Reads a head up to its blank line; null when the stream ends before the first byte. */
    static Head readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (total == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a head after " + total + " bytes: " + lines);
            }
            if (++total > MAX_HEAD) {
                throw new IOException("head longer than " + MAX_HEAD + " bytes");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                line.reset();
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue; // RFC 9112 section 2.2: ignore an empty line before the start line
                    }
                    break;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String field : lines.subList(1, lines.size())) {
            int colon = field.indexOf(':');
            if (colon > 0) {
                headers.put(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), field.substring(colon + 1).trim());
            }
        }
        return new Head(lines.get(0), headers);
    }

    /** The body that follows a head: chunked, Content-Length, or (for responses) until the connection closes. */
    static InputStream body(Head head, InputStream in, boolean untilCloseIfUnframed) {
        if (head.chunked()) {
            return new ChunkedBody(in);
        }
        long length = head.contentLength();
        if (length >= 0) {
            return new BoundedBody(in, length);
        }
        return untilCloseIfUnframed ? new FilterInputStream(in) {
            @Override
            public void close() {
                // the connection is the caller's to close
            }
        } : InputStream.nullInputStream();
    }

    /** Writes one chunk (nothing for an empty slice: a zero-size chunk would end the body). */
    static void writeChunk(OutputStream out, byte[] data, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data, off, len);
        out.write(CRLF);
    }

    static void writeLastChunk(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static void writeAscii(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** Exactly {@code length} bytes; a premature end of the stream is an error, not a short body. */
    static final class BoundedBody extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedBody(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " body bytes still expected");
            }
            remaining -= n;
            return n;
        }
    }

    /** Decodes chunked transfer coding; trailers are read and dropped. */
    static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = readLine();
                int semicolon = size.indexOf(';');
                chunkLeft = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (chunkLeft == 0) {
                    while (!readLine().isEmpty()) {
                        // trailer field: ignored
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine().isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
            return n;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 4096; i++) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed inside chunk framing");
                }
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) c);
            }
            throw new IOException("chunk framing line longer than 4096 bytes");
        }
    }
}
