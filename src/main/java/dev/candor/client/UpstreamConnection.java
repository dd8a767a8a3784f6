package dev.candor.client;

import dev.candor.upstream.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpObject;

/**
 * One TCP connection to an endpoint, owned by the event loop it was opened on. Lent to one exchange at a
 * time; given back with {@link #release()} when it can serve another request, otherwise {@link #discard()}.
 */
public final class UpstreamConnection implements UpstreamStream {
    private final Channel channel;
    private final EndpointPool pool;
    private final LoopSlot slot;
    private final UpstreamHandler handler;
    private final long connectNanos;
    private final long tlsNanos;
    private final long openedAtNanos;
    private long idleSinceNanos;
    private long idleNanosBeforeLend;
    private int uses;
    private String remoteAddress;
    private boolean closedByUs;
    /** In its loop's idle deque right now. */
    boolean idle;

    UpstreamConnection(Channel channel, EndpointPool pool, LoopSlot slot, long connectNanos, long tlsNanos) {
        this.tlsNanos = tlsNanos;
        this.channel = channel;
        this.pool = pool;
        this.slot = slot;
        this.handler = channel.pipeline().get(UpstreamHandler.class);
        this.connectNanos = connectNanos;
        this.openedAtNanos = System.nanoTime();
    }

    public Channel channel() {
        return channel;
    }

    public Endpoint endpoint() {
        return pool.endpoint();
    }

    /** True when this connection served a request before the current one. */
    @Override
    public boolean isReused() {
        return uses > 1;
    }

    /** Requests this connection served before the current one. */
    @Override
    public int requestsBefore() {
        return Math.max(0, uses - 1);
    }

    /** How long it sat idle in the pool before the current exchange took it; 0 when new. */
    @Override
    public long idleNanosBeforeUse() {
        return idleNanosBeforeLend;
    }

    /** How long it has been open. */
    @Override
    public long ageNanos() {
        return System.nanoTime() - openedAtNanos;
    }

    /** How long the TCP connect took when the connection was opened. */
    @Override
    public long connectNanos() {
        return connectNanos;
    }

    /** How long the TLS handshake took when the connection was opened; -1 for plain HTTP. */
    @Override
    public long tlsNanos() {
        return tlsNanos;
    }

    /** The {@code ip:port} actually connected to. */
    @Override
    public String remoteAddress() {
        if (remoteAddress == null) {
            java.net.SocketAddress a = channel.remoteAddress();
            if (a instanceof java.net.InetSocketAddress isa && isa.getAddress() != null) {
                remoteAddress = dev.candor.upstream.Endpoint.ipPort(isa);
            } else {
                remoteAddress = String.valueOf(a);
            }
        }
        return remoteAddress;
    }

    @Override
    public void write(HttpObject message) {
        channel.write(message, channel.voidPromise());
    }

    @Override
    public ChannelFuture writeWithFuture(HttpObject message) {
        return channel.write(message);
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void readResponses(boolean read) {
        channel.config().setAutoRead(read);
    }

    @Override
    public Channel switchToTunnel(ChannelHandler tunnelEnd) {
        handler.bind(null);
        // The tunnel end takes the listener's place; bytes the codec still holds flow on to it when the
        // codec leaves. The sniffer only matters before the first response.
        channel.pipeline().replace(handler, "tunnel", tunnelEnd);
        channel.pipeline().remove(UpstreamChannelInitializer.HTTP);
        if (channel.pipeline().get(UpstreamChannelInitializer.SNIFFER) != null) {
            channel.pipeline().remove(UpstreamChannelInitializer.SNIFFER);
        }
        channel.config().setAutoRead(true);
        return channel;
    }

    LoopSlot slot() {
        return slot;
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Binds the connection to the exchange it now serves. */
    @Override
    public void lend(UpstreamListener listener) {
        idleNanosBeforeLend = uses == 0 ? 0 : System.nanoTime() - idleSinceNanos;
        uses++;
        handler.bind(listener);
    }

    /** Returns a connection that finished a request cleanly and may serve the next one. */
    @Override
    public void release() {
        handler.bind(null);
        pool.release(this);
    }

    /** Closes a connection whose state is unknown or spent; it is never reused. */
    @Override
    public void discard() {
        handler.bind(null);
        closeByUs();
    }

    void closeByUs() {
        closedByUs = true;
        channel.close();
    }

    boolean closedByUs() {
        return closedByUs;
    }

    /** Learns from a response's {@code Keep-Alive} header how long the endpoint keeps idle connections. */
    @Override
    public void observeKeepAlive(String keepAliveHeader) {
        pool.parity().observeHeader(keepAliveHeader);
    }

    /** What is known about the endpoint's idle-connection timeout, for the evidence; null when nothing. */
    @Override
    public String keepAliveNote() {
        return pool.parity().describe();
    }
}
