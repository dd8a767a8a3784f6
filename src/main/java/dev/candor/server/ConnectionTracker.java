package dev.candor.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows every open client connection: enforces {@code limits.max_connections} by pausing accepts (the
 * kernel backlog holds the excess, as HAProxy's maxconn does) and lets a drain reach each connection.
 */
final class ConnectionTracker {
    private final ChannelGroup open = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger count = new AtomicInteger();
    private final int max;
    private volatile List<Channel> acceptors = List.of();

    ConnectionTracker(int max) {
        this.max = max;
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

    private void closed() {
        int n = count.decrementAndGet();
        if (max > 0 && n < max) {
            acceptors.forEach(a -> a.config().setAutoRead(true));
        }
    }

    int count() {
        return count.get();
    }

    ChannelGroup channels() {
        return open;
    }
}
