package dev.candor.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The backend side of one connection, handed to a {@link BackendScript}. It writes raw bytes, so a script
 * can send any response, well-formed or not. Safe to call from any thread: every step runs on the
 * connection's event loop, in call order, and {@link #close()} waits for the writes before it.
 */
public final class Reply {
    private static final int PIECE = 64 * 1024;

    private final Channel channel;
    private ChannelFuture last;
    /** Counts requests begun on this connection; an idle close is armed for one value only. */
    private int requestsBegun;
    /** Set when this side decided to close, so a close can be told apart from the peer's. */
    private volatile boolean closedByBackend;

    Reply(Channel channel) {
        this.channel = channel;
        this.last = channel.newSucceededFuture();
    }

    /** Sends exactly these bytes (ISO-8859-1). */
    public Reply raw(String text) {
        return raw(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends exactly these bytes. */
    public Reply raw(byte[] bytes) {
        onLoop(() -> last = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)));
        return this;
    }

    /** A complete response with Content-Length; {@code headers} are name, value pairs. */
    public Reply send(int status, String body, String... headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return raw(headText(status, concat(headers, "Content-Length", String.valueOf(bytes.length))) + body);
    }

    /** Only a status line and these headers (the script is in charge of framing and body). */
    public Reply head(int status, String... headers) {
        return raw(headText(status, List.of(headers)));
    }

    /** A response whose body is the first {@code length} {@link Payload} bytes, with backpressure. */
    public Reply stream(int status, long length, String... headers) {
        head(status, concat(headers, "Content-Length", String.valueOf(length)).toArray(String[]::new));
        return payload(0, length);
    }

    /** Sends a head declaring {@code declared} body bytes, then only the first {@code sent} of them. */
    public Reply streamPrefix(int status, long declared, long sent, String... headers) {
        head(status, concat(headers, "Content-Length", String.valueOf(declared)).toArray(String[]::new));
        return payload(0, sent);
    }

    /** Payload bytes [offset, offset + length), written piece by piece as the socket takes them. */
    public Reply payload(long offset, long length) {
        onLoop(() -> last = writePieces(offset, offset + length));
        return this;
    }

    /** A chunked response: each string one chunk, then the trailer lines (e.g. "X-Sum: 1"). */
    public Reply chunked(int status, List<String> chunks, List<String> trailerLines, String... headers) {
        StringBuilder b = new StringBuilder(headText(status, concat(headers, "Transfer-Encoding", "chunked")));
        for (String chunk : chunks) {
            b.append(Integer.toHexString(chunk.getBytes(StandardCharsets.ISO_8859_1).length)).append("\r\n")
                    .append(chunk).append("\r\n");
        }
        b.append("0\r\n");
        trailerLines.forEach(t -> b.append(t).append("\r\n"));
        return raw(b.append("\r\n").toString());
    }

    /** An HTTP/1.1 response with neither length nor chunking: the body ends when the connection closes. */
    public Reply closeDelimited(int status, byte[] body, String... headers) {
        head(status, concat(headers, "Connection", "close").toArray(String[]::new));
        raw(body);
        return close();
    }

    /** Closes the connection once everything written so far has left. */
    public Reply close() {
        onLoop(() -> last.addListener(f -> closeByBackend()));
        return this;
    }

    /** Resets the connection (RST instead of FIN) once everything written so far has left. */
    public Reply reset() {
        onLoop(() -> last.addListener(f -> {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            closeByBackend();
        }));
        return this;
    }

    /**
     * A backend's keep-alive timeout: closes the connection (FIN) once it has stayed idle for
     * {@code timeout} after everything written so far has left. A request that begins on the connection
     * before then keeps it open (the timer is disarmed; the script may arm it again).
     */
    public Reply closeWhenIdleFor(Duration timeout) {
        onLoop(() -> {
            int armedAt = requestsBegun;
            last.addListener(f -> {
                if (armedAt == requestsBegun) {
                    channel.eventLoop().schedule(() -> {
                        if (armedAt == requestsBegun && channel.isActive()) {
                            closeByBackend();
                        }
                    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
                }
            });
        });
        return this;
    }

    /** Closes the connection from this side, and remembers that it did. */
    void closeByBackend() {
        if (channel.isActive()) {
            closedByBackend = true;
        }
        channel.close();
    }

    /** Whether this side closed (or reset) the connection, rather than the peer. */
    boolean closedByBackend() {
        return closedByBackend;
    }

    /** Called on the connection's loop when a new request head arrives: the connection is busy again. */
    void requestBegun() {
        requestsBegun++;
    }

    /** Says, for the reader, that the script answers nothing on purpose. */
    public void hang() {
    }

    private ChannelFuture writePieces(long from, long to) {
        ChannelPromise done = channel.newPromise();
        writeNext(from, to, done);
        return done;
    }

    private void writeNext(long from, long to, ChannelPromise done) {
        if (from >= to) {
            done.trySuccess();
            return;
        }
        int n = (int) Math.min(PIECE, to - from);
        channel.writeAndFlush(Unpooled.wrappedBuffer(Payload.slice(from, n))).addListener(f -> {
            if (f.isSuccess()) {
                writeNext(from + n, to, done);
            } else {
                done.tryFailure(f.cause());
            }
        });
    }

    private void onLoop(Runnable step) {
        if (channel.eventLoop().inEventLoop()) {
            step.run();
        } else {
            channel.eventLoop().execute(step);
        }
    }

    static String headText(int status, List<String> headers) {
        StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n");
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            b.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static List<String> concat(String[] headers, String name, String value) {
        ArrayList<String> all = new ArrayList<>(List.of(headers));
        all.add(name);
        all.add(value);
        return all;
    }
}
