package dev.candor.client;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.RejectedExecutionHandlers;

import java.util.concurrent.Executor;

/** The I/O transport: native epoll on Linux when it loads, NIO everywhere else. */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends SocketChannel> socketChannel,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends DatagramChannel> datagramChannel) {
    /** How long an event loop runs queued and scheduled tasks before it reads again. */
    static final long TASK_QUANTUM_MS = 2;

    /** The best transport available in this process. */
    public static Transport detect() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(),
                    EpollSocketChannel.class, EpollServerSocketChannel.class, EpollDatagramChannel.class);
        }
        return nio();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class,
                NioDatagramChannel.class);
    }

    /**
     * Event loops that go back to I/O after at most {@value #TASK_QUANTUM_MS} ms of queued tasks. Netty's
     * default lets one pass run tasks for up to a second: when thousands of connections reach a deadline
     * together (a slowloris crowd opened at once hits {@code limits.header_read_timeout} at once), their
     * closes would then all run before any other connection is read, and every request in flight waits
     * for the whole burst. With a short quantum the burst is spread over passes that read in between.
     */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads,
                new io.netty.util.concurrent.DefaultThreadFactory(threadPrefix, true), ioHandlerFactory) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
                return new SingleThreadIoEventLoop(this, executor, factory,
                        Integer.MAX_VALUE, RejectedExecutionHandlers.reject(),
                        TASK_QUANTUM_MS);
            }
        };
    }
}
