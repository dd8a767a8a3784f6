package dev.candor.admin;

import dev.candor.client.FailureClassifier;
import dev.candor.config.AdminConfig;
import dev.candor.server.CandorServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The admin listener: API, metrics and dashboard on their own event-loop thread, apart from proxy
 * traffic, so the dashboard answers even when the workers are saturated (and cannot slow them down).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Admin requests are small (no endpoint takes a body worth mentioning). */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** How often the dashboard's history samples the counters, and how many samples it keeps (10 min). */
    private static final long TICK_MILLIS = 2000;
    private static final int HISTORY = 300;

    private final EventLoopGroup group;
    private final Channel acceptor;
    private final ExecutorService work;

    private AdminServer(EventLoopGroup group, Channel acceptor, ExecutorService work) {
        this.group = group;
        this.acceptor = acceptor;
        this.work = work;
    }

    /**
     * Binds the admin listener of {@code config} (which must be enabled). The token is read from the
     * server's running config on each request, so that a reload can change it.
     *
     * @throws IOException when the address cannot be bound
     */
    public static AdminServer start(AdminConfig config, CandorServer server, Reloader reloader, String version)
            throws IOException {
        requireNonNull(config, "config");
        if (!config.enabled()) {
            throw new IllegalArgumentException("the admin listener is off");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "candor-admin");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        ExecutorService work = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "candor-admin-work");
            t.setDaemon(true);
            return t;
        });
        LiveStateMetrics.register(server.metrics().registry(), server, version);
        ActivityHistory activity = new ActivityHistory(server.metrics(), HISTORY);
        AdminHandler handler = new AdminHandler(server, reloader, activity, new DashboardAssets(), work, version);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("read-timeout", new ReadTimeoutHandler(120, TimeUnit.SECONDS))
                                .addLast("http", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("admin", handler);
                    }
                });
        InetSocketAddress address = new InetSocketAddress(config.address().host(), config.address().port());
        Channel acceptor;
        try {
            acceptor = bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            work.shutdownNow();
            throw new IOException("admin listener cannot bind " + config.address() + ": "
                    + FailureClassifier.bindFailure(e, config.address().toString()), e);
        }
        group.next().scheduleAtFixedRate(() -> activity.tick(System.currentTimeMillis(), System.nanoTime()),
                TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        log.info("admin listener on {}{}", acceptor.localAddress(), config.token() == null ? "" : " (token required)");
        return new AdminServer(group, acceptor, work);
    }

    /** The address actually bound (useful with port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) acceptor.localAddress();
    }

    /** {@code http://host:port} of the dashboard. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        acceptor.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        work.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
