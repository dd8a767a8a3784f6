package dev.candor.client;

import dev.candor.failure.Cause;

import java.io.IOException;

/**
 * A TLS handshake with an upstream that did not complete, already classified: the {@link Cause} (phase
 * {@code tls}) says what was observed, and the timings say how far the connection got.
 */
public final class TlsHandshakeFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Cause classified;
    private final long connectNanos;
    private final long handshakeNanos;

    TlsHandshakeFailure(Cause classified, long connectNanos, long handshakeNanos, Throwable cause) {
        super(classified.error(), cause);
        this.classified = classified;
        this.connectNanos = connectNanos;
        this.handshakeNanos = handshakeNanos;
    }

    public Cause classified() {
        return classified;
    }

    /** How long the TCP connect took. */
    public long connectNanos() {
        return connectNanos;
    }

    /** How long the handshake ran before it failed. */
    public long handshakeNanos() {
        return handshakeNanos;
    }
}
