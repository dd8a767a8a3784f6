package dev.candor.client;

import io.netty.handler.codec.http.HttpObject;

/**
 * What an upstream connection reports to the exchange it currently serves. Every call happens on the
 * connection's event loop, which is also the client connection's.
 */
public interface UpstreamListener {

    /** A response head, body chunk or last chunk; the listener owns (and must release) it. */
    void onResponseObject(HttpObject message);

    /**
     * One read from the socket was fully decoded: time to flush what was passed on and read again.
     * Listeners that relay nothing (probes) need not care.
     */
    default void onUpstreamReadComplete() {
    }

    /** The connection's outbound buffer crossed a watermark; only listeners that stream a body care. */
    default void onUpstreamWritabilityChanged(boolean writable) {
    }

    /** The connection closed (FIN, RST or local close) while serving the exchange. */
    void onUpstreamClosed();

    /** The pipeline reported an error; the connection is closed right after. */
    void onUpstreamException(Throwable cause);
}
