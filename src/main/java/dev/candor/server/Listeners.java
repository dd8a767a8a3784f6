package dev.candor.server;

import dev.candor.client.FailureClassifier;
import dev.candor.client.TlsSupport;
import dev.candor.client.Transport;
import dev.candor.config.FileWatcher;
import dev.candor.config.ListenerConfig;
import dev.candor.event.EventSink;
import dev.candor.proxy.ProxyContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bound listeners, in config order: their accepting channels, their TLS terminations (watched for new
 * certificate files) and the addresses they got.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    /** How often certificate files are checked for changes. */
    static final Duration CERTIFICATE_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final List<Channel> acceptors;
    /** One per listener, null for a plain one. */
    private final List<TlsTermination> terminations;
    /** A watcher thread only when some listener has certificate files to watch. */
    private final FileWatcher certificateWatcher;
    private final List<InetSocketAddress> addresses;

    private Listeners(List<Channel> acceptors, List<TlsTermination> terminations, FileWatcher certificateWatcher) {
        this.acceptors = List.copyOf(acceptors);
        this.terminations = terminations;
        this.certificateWatcher = certificateWatcher;
        this.addresses = acceptors.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** Binds every listener, or none: on a failure the ones already bound are closed again. */
    static Listeners bind(List<ListenerConfig> configs, Transport transport, EventLoopGroup group,
                          Supplier<ProxyContext> contexts, ConnectionTracker tracker, EventSink events) throws IOException {
        FileWatcher certificateWatcher = configs.stream().anyMatch(l -> l.tls() != null)
                ? FileWatcher.start("certificates") : null;
        List<Channel> acceptors = new ArrayList<>();
        List<TlsTermination> terminations = new ArrayList<>();
        try {
            for (ListenerConfig listener : configs) {
                TlsTermination tls = listener.tls() == null ? null : TlsTermination.start(listener.name(),
                        listener.tls(), TlsSupport.provider(), Clock.systemUTC(), events);
                terminations.add(tls);
                if (tls != null) {
                    tls.watch(certificateWatcher, CERTIFICATE_CHECK_INTERVAL);
                }
                acceptors.add(bind(listener, transport, group, initializer(listener, tls, contexts, tracker)));
            }
        } catch (IOException | RuntimeException e) {
            new Listeners(acceptors, terminations, certificateWatcher).close();
            throw e;
        }
        tracker.acceptors(acceptors);
        return new Listeners(acceptors, terminations, certificateWatcher);
    }

    private static Channel bind(ListenerConfig listener, Transport transport, EventLoopGroup group,
                                DownstreamChannelInitializer initializer) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                // The longest accept queue the kernel allows (net.core.somaxconn): a crowd that reconnects
                // together must not overflow it, or the kernel drops handshakes, and every client that
                // connects in that moment waits for a SYN-ACK retransmission (1 s, 3 s).
                .option(ChannelOption.SO_BACKLOG, NetUtil.SOMAXCONN)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        Channel ch;
        try {
            ch = bootstrap.bind(new InetSocketAddress(listener.address().host(), listener.address().port()))
                    .sync().channel();
        } catch (Exception e) {
            throw new IOException("listener '" + listener.name() + "' cannot bind " + listener.address()
                    + ": " + FailureClassifier.bindFailure(e, listener.address().toString()), e);
        }
        log.info("listener {} on {} ({}{}{})", listener.name(), ch.localAddress(), transport.name(),
                listener.tls() != null ? ", TLS" : listener.redirectToHttps() > 0
                        ? ", redirects to https port " + listener.redirectToHttps() : "",
                listener.proxyProtocol() ? ", PROXY protocol" : "");
        return ch;
    }

    /** The pipeline builder of one listener: with its TLS termination, or its redirect to https. */
    private static DownstreamChannelInitializer initializer(ListenerConfig listener, TlsTermination tls,
                                                            Supplier<ProxyContext> contexts, ConnectionTracker tracker) {
        if (tls == null) {
            return new DownstreamChannelInitializer(contexts, tracker, null, null, listener.redirectToHttps(),
                    listener.proxyProtocol());
        }
        String hsts = listener.tls().hsts() == null ? null : listener.tls().hsts().headerValue();
        return new DownstreamChannelInitializer(contexts, tracker, tls, hsts, 0, listener.proxyProtocol());
    }

    /** The addresses actually bound, in listener order (useful with port 0). */
    List<InetSocketAddress> addresses() {
        return addresses;
    }

    /**
     * A reload keeps the listeners (a reload that changes them is refused): only their certificates may
     * differ.
     */
    void reconfigure(List<ListenerConfig> next) {
        for (int i = 0; i < terminations.size(); i++) {
            if (terminations.get(i) != null) {
                terminations.get(i).reconfigure(next.get(i).tls(), certificateWatcher, CERTIFICATE_CHECK_INTERVAL);
            }
        }
    }

    /** Stops accepting, and returns once every listening socket is closed. */
    void stopAccepting() {
        acceptors.forEach(a -> a.close().syncUninterruptibly());
    }

    void close() {
        if (certificateWatcher != null) {
            certificateWatcher.close();
        }
        acceptors.forEach(Channel::close);
    }
}
