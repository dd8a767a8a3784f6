package dev.candor.client;

import dev.candor.failure.Signal;

/** The upstream's first bytes are TLS or HTTP/2, not an HTTP/1.1 response: a port or protocol misconfiguration. */
public final class ProtocolMismatchException extends io.netty.handler.codec.DecoderException {
    private static final long serialVersionUID = 1L;
    private final transient Signal signal;

    ProtocolMismatchException(Signal signal, String message) {
        super(message);
        this.signal = signal;
    }

    public Signal signal() {
        return signal;
    }
}
