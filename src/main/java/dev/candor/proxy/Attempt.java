package dev.candor.proxy;

import dev.candor.client.TlsHandshakeFailure;
import dev.candor.client.UpstreamConnection;
import dev.candor.client.UpstreamListener;
import dev.candor.failure.Actor;
import dev.candor.failure.AttemptReport;
import dev.candor.failure.Cause;
import dev.candor.failure.ConnectionFacts;
import dev.candor.failure.Timings;
import dev.candor.upstream.Endpoint;
import io.netty.handler.codec.http.HttpObject;

/**
 * One try of a request against one endpoint: the connection it got, when it reached each step, and how
 * it ended. It receives the connection's events and hands them to its exchange, which ignores events
 * from an attempt that is no longer current.
 */
final class Attempt implements UpstreamListener {
    private static final long NOT_REACHED = -1;

    final Exchange exchange;
    final int number;
    final Endpoint endpoint;
    final boolean transparent;
    final long startedNanos;

    UpstreamConnection connection;
    String address;
    boolean reused;
    int requestsBefore;
    long idleMillis;
    long ageMillis;
    Actor closedBy;
    long acquiredNanos = NOT_REACHED;
    long connectNanos = NOT_REACHED;
    long tlsNanos = NOT_REACHED;
    long sentNanos = NOT_REACHED;
    long firstByteNanos = NOT_REACHED;
    long endedNanos = NOT_REACHED;
    boolean headWritten;
    /** Passive health has been told how this attempt went. */
    boolean judged;
    /** The endpoint's in-flight count no longer includes this attempt. */
    boolean left;
    Integer status;
    /** What the pool learned about the endpoint's keep-alive timeout when this attempt took its connection. */
    String keepAliveNote;
    Cause cause;
    String detail;

    Attempt(Exchange exchange, int number, Endpoint endpoint, boolean transparent, long startedNanos) {
        this.exchange = exchange;
        this.number = number;
        this.endpoint = endpoint;
        this.transparent = transparent;
        this.startedNanos = startedNanos;
    }

    /** Takes the connection and records what it was before this attempt. */
    void bind(UpstreamConnection c, long nowNanos) {
        connection = c;
        c.lend(this);
        acquiredNanos = nowNanos;
        address = c.remoteAddress();
        reused = c.isReused();
        requestsBefore = c.requestsBefore();
        idleMillis = c.idleNanosBeforeUse() / 1_000_000;
        ageMillis = c.ageNanos() / 1_000_000;
        keepAliveNote = reused ? c.keepAliveNote() : null;
        if (!reused) {
            connectNanos = c.connectNanos();
            tlsNanos = c.tlsNanos() < 0 ? NOT_REACHED : c.tlsNanos();
        }
    }

    /** The connection, detached from this attempt so a late event cannot reach it; null if none. */
    UpstreamConnection takeConnection() {
        UpstreamConnection c = connection;
        connection = null;
        return c;
    }

    AttemptReport report() {
        ConnectionFacts facts = acquiredNanos == NOT_REACHED ? null
                : new ConnectionFacts(reused, requestsBefore, idleMillis, ageMillis, closedBy);
        Timings timings = new Timings(ms(acquiredNanos), ms(connectNanos), ms(tlsNanos), ms(sentNanos), ms(firstByteNanos),
                ms(endedNanos));
        return new AttemptReport(number, endpoint.label(), address, status, cause, detail, facts, timings, transparent);
    }

    /** Records how far a connection that failed its TLS handshake got, so the evidence has both times. */
    void connectFailed(Throwable failure) {
        if (failure instanceof TlsHandshakeFailure tls) {
            connectNanos = tls.connectNanos();
            tlsNanos = tls.handshakeNanos();
        }
    }

    /** TLS handshake time in milliseconds (until it failed, for a failed one), or null when there was none. */
    Double tlsMillis() {
        return ms(tlsNanos);
    }

    /** Connect time in milliseconds, or null when the connection was reused or never made. */
    Double connectMillis() {
        return ms(connectNanos);
    }

    private static Double ms(long nanos) {
        return nanos == NOT_REACHED ? null : Math.round(nanos / 1_000.0) / 1_000.0;
    }

    @Override
    public void onResponseObject(HttpObject message) {
        exchange.onResponseObject(this, message);
    }

    @Override
    public void onUpstreamReadComplete() {
        exchange.onUpstreamReadComplete(this);
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        exchange.onUpstreamWritabilityChanged(this, writable);
    }

    @Override
    public void onUpstreamClosed() {
        exchange.onUpstreamClosed(this);
    }

    @Override
    public void onUpstreamException(Throwable cause) {
        exchange.onUpstreamException(this, cause);
    }
}
