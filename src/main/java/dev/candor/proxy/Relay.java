package dev.candor.proxy;

import dev.candor.client.UpstreamStream;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Moves the bodies of one exchange and holds its backpressure, both ways, in one place: a request piece
 * goes to the attempt's stream when it can take it (else it waits here, and the client is not read until
 * it has gone), and response pieces go to the client while it keeps up (else the upstream is not read
 * until the client drains). So what Candor holds per exchange is bounded by one read, whatever the body.
 */
final class Relay {
    private final Exchange exchange;
    private final Downstream downstream;
    /** A request piece read while no stream could take it; sent once the attempt's head is written. */
    private HttpContent pending;
    /** The client is not read: the upstream stream cannot take more yet. */
    private boolean downstreamPaused;
    /** The upstream is not read: the client cannot take more yet. */
    private boolean upstreamPaused;
    private boolean requestFlushPending;
    private long requestBytesForwarded;

    Relay(Exchange exchange, Downstream downstream) {
        this.exchange = exchange;
        this.downstream = downstream;
    }

    /** Request body bytes already written upstream: a request that lost them cannot be replayed. */
    boolean bodyForwarded() {
        return requestBytesForwarded > 0;
    }

    /** True while the relay can take the next request piece at once. */
    boolean canTakeRequest() {
        Attempt a = exchange.forwarder() == null ? null : exchange.forwarder().current();
        return pending == null && !downstreamPaused && a != null && a.canTakeBody();
    }

    // ---- request: client -> upstream -------------------------------------------------------------

    /** A request piece the exchange accepted. */
    void requestContent(HttpContent content) {
        if (canTakeRequest()) {
            forward(content);
        } else {
            pending = content; // sent once the attempt's head is written
        }
    }

    /** The attempt's head is written: what waited goes out, and the client is read again. */
    void attemptSending() {
        if (pending != null) {
            HttpContent c = pending;
            pending = null;
            forward(c);
        }
    }

    private void forward(HttpContent content) {
        Attempt a = exchange.forwarder().current();
        UpstreamStream up = a.stream;
        requestBytesForwarded += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            up.write(content);
            up.flush();
            a.requestSent();
            exchange.requestEndForwarded();
            return;
        }
        // Flushed at the end of the client's read cycle (flushRequest), so the pieces of one read leave
        // in one system call; at once when the upstream stream is full.
        up.write(content);
        if (up.isWritable()) {
            requestFlushPending = true;
        } else {
            // Pause before flushing: the flush may drain the stream at once and resume us.
            requestFlushPending = false;
            downstreamPaused = true; // the client's next pieces wait in the downstream's inbox
            up.flush();
        }
    }

    /** Sends the request pieces written since the last flush; called when a read cycle of the client ends. */
    void flushRequest() {
        if (requestFlushPending) {
            requestFlushPending = false;
            Attempt a = exchange.forwarder().current();
            if (a != null && a.stream != null) {
                a.stream.flush();
            }
        }
    }

    /** The upstream stream drained below its low-water mark. */
    void upstreamWritable() {
        if (downstreamPaused) {
            downstreamPaused = false;
            downstream.resumeRequest();
        }
    }

    // ---- response: upstream -> client ------------------------------------------------------------

    /** A response body piece (not the last). */
    void responseContent(Attempt a, HttpContent content) {
        downstream.sendContent(content);
        if (!downstream.isWritable() && !upstreamPaused && a.stream != null) {
            // The client takes the body slower than the upstream sends it: stop reading the upstream
            // (after the piece being decoded) until the client drains.
            // Pause before flushing: the flush may drain the client connection at once and resume us.
            upstreamPaused = true;
            a.stream.readResponses(false);
            downstream.flush();
        }
    }

    /** The client can take more: read the upstream again if it was stopped. */
    void downstreamWritable() {
        Attempt a = exchange.forwarder() == null ? null : exchange.forwarder().current();
        if (upstreamPaused && a != null && a.stream != null) {
            upstreamPaused = false;
            a.stream.readResponses(true);
        }
    }

    /** The upstream is not being read because the client does not read: silence is the client's doing. */
    boolean waitingForClient() {
        return upstreamPaused;
    }

    /** Drops what waits: the exchange is over. */
    void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Whether a request piece waits for the attempt. */
    boolean hasPending() {
        return pending != null;
    }
}
