package dev.candor.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Netty part the kit's TCP servers ({@link TestBackend}, {@link TestWebSocketServer}) share: one daemon
 * event loop, a socket listening on {@code bind}, TLS first in every connection's pipeline when given, and the
 * connections accepted (counted in total, open now and at the peak), all closed by {@link #close()}.
 */
final class LoopbackServer implements AutoCloseable {
    /** Adds a connection's handlers after TLS; {@code connection} is its sequence number (1, 2, …). */
    interface Pipeline {
        void build(ChannelPipeline pipeline, int connection);
    }

    private final EventLoopGroup group;
    private final Channel listener;
    private final ChannelGroup connections;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private volatile boolean stopping;

    LoopbackServer(String name, InetSocketAddress bind, SslContext tls, Pipeline pipeline) {
        this.connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                NioIoHandler.newFactory());
        try {
            this.listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                            connections.add(ch);
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            pipeline.build(ch.pipeline(), accepted.incrementAndGet());
                        }
                    })
                    .bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The listening socket, e.g. to close it alone. */
    Channel listener() {
        return listener;
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    int openConnections() {
        return open.get();
    }

    int peakOpenConnections() {
        return peakOpen.get();
    }

    /** Whether {@link #close()} has begun: connections closing from now on are closed by this side. */
    boolean stopping() {
        return stopping;
    }

    /** Closes the listening socket and every connection, then the event loop; again is a no-op. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
