package dev.candor.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpObject;

/**
 * One request/response exchange with an endpoint, as the proxy's attempts see it: messages in Netty's
 * HTTP object model ({@code HttpRequest}, {@code HttpContent}, {@code LastHttpContent} with trailers) go
 * out, the same come back through the bound {@link UpstreamListener}. An HTTP/1.1 connection is a pool of
 * one stream at a time ({@link UpstreamConnection}); an HTTP/2 connection would lend one stream per
 * exchange behind the same interface, so attempts, retries and the relay need not know which.
 */
public interface UpstreamStream {

    /** Binds the stream to the attempt it now serves; its events reach {@code listener} from now on. */
    void lend(UpstreamListener listener);

    /** Queues a message; {@link #flush()} sends what was queued. */
    void write(HttpObject message);

    /** Queues a message and reports when it was written (or failed). */
    ChannelFuture writeWithFuture(HttpObject message);

    void flush();

    /** Whether the stream can take more without buffering past its high-water mark. */
    boolean isWritable();

    /** Stops ({@code false}) or resumes reading the response: the client cannot take more yet. */
    void readResponses(boolean read);

    /** Gives back a stream that finished its exchange cleanly and may serve the next one. */
    void release();

    /** Ends a stream whose state is unknown or spent; it is never reused. */
    void discard();

    /**
     * Takes the connection out of HTTP: after a {@code 101 Switching Protocols} it carries the new protocol's
     * bytes, so the HTTP codec and the exchange's listener leave its pipeline and {@code tunnelEnd} is
     * installed in their place. The connection never returns to the pool; {@link #discard()} closes it.
     */
    Channel switchToTunnel(io.netty.channel.ChannelHandler tunnelEnd);

    /** The {@code ip:port} actually connected to. */
    String remoteAddress();

    /** True when the connection served a request before the current one. */
    boolean isReused();

    /** Requests the connection served before the current one. */
    int requestsBefore();

    /** How long it sat idle in the pool before the current exchange took it; 0 when new. */
    long idleNanosBeforeUse();

    /** How long the connection has been open. */
    long ageNanos();

    /** How long the TCP connect took when the connection was opened. */
    long connectNanos();

    /** How long the TLS handshake took when the connection was opened; -1 for plain HTTP. */
    long tlsNanos();

    /** Learns from a response's {@code Keep-Alive} header how long the endpoint keeps idle connections. */
    void observeKeepAlive(String keepAliveHeader);

    /** What is known about the endpoint's idle-connection timeout, for the evidence; null when nothing. */
    String keepAliveNote();
}
