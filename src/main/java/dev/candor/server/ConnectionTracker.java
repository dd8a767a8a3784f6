package dev.candor.server;

import dev.candor.observe.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows every open client connection: enforces {@code limits.max_connections} by pausing accepts (the
 * kernel backlog holds the excess, as HAProxy's maxconn does), counts connections per client address for
 * {@code limits.max_connections_per_ip}, and lets a drain reach each connection.
 */
final class ConnectionTracker {
    private final ChannelGroup open = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger count = new AtomicInteger();
    /** Open connections by client address (limits.max_connections_per_ip); an address with none has no entry. */
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final int max;
    private final Metrics metrics;
    private volatile List<Channel> acceptors = List.of();

    ConnectionTracker(int max, Metrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    void acceptors(List<Channel> serverChannels) {
        this.acceptors = List.copyOf(serverChannels);
    }

    void opened(Channel ch) {
        open.add(ch);
        int n = count.incrementAndGet();
        ch.closeFuture().addListener(f -> closed());
        if (max > 0 && n >= max) {
            acceptors.forEach(a -> a.config().setAutoRead(false));
        }
    }

    /**
     * Counts a connection against its client's address until it closes.
     *
     * @param maxPerAddress limits.max_connections_per_ip; 0 = unlimited
     * @return false when this connection is one too many for its address: the caller closes it
     */
    boolean admit(Channel ch, String address, int maxPerAddress) {
        int n = perAddress.merge(address, 1, Integer::sum);
        ch.closeFuture().addListener(f -> perAddress.computeIfPresent(address, (k, v) -> v <= 1 ? null : v - 1));
        if (maxPerAddress <= 0 || n <= maxPerAddress) {
            return true;
        }
        metrics.connectionRefused("max_connections_per_ip");
        return false;
    }

    /** Open connections from {@code address} right now. */
    int openFrom(String address) {
        return perAddress.getOrDefault(address, 0);
    }

    private void closed() {
        int n = count.decrementAndGet();
        if (max > 0 && n < max) {
            acceptors.forEach(a -> a.config().setAutoRead(true));
        }
        if (n == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Blocks the calling (non-event-loop) thread until no client connection is open, or the time is up. */
    synchronized boolean awaitNone(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        long left;
        while (count.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return count.get() == 0;
    }

    int count() {
        return count.get();
    }

    ChannelGroup channels() {
        return open;
    }
}
