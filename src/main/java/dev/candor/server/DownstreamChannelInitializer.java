package dev.candor.server;

import dev.candor.config.LimitsConfig;
import dev.candor.proxy.ClientTimeoutHandler;
import dev.candor.proxy.Http1ServerCodec;
import dev.candor.proxy.ProxyContext;
import dev.candor.proxy.HttpsRedirectHandler;
import dev.candor.proxy.ProxyHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Builds a client connection's pipeline, in order: client deadlines (on raw bytes, so a TLS handshake
 * counts against the header deadline too) → the PROXY protocol header on a {@code proxy_protocol} listener
 * → TLS with SNI on a TLS listener → HTTP/1.1 codec → HSTS on a
 * TLS listener that sets it → the proxy handler (which also decides when to read), or the redirect to
 * https on a plain listener with {@code redirect_to_https}.
 */
@ChannelHandler.Sharable
final class DownstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(DownstreamChannelInitializer.class);
    /** Room for the method and version around the request target on the request line. */
    private static final int REQUEST_LINE_SLACK = 64;

    private final Supplier<ProxyContext> contexts;
    /** What the running config's timeouts make of a connection's deadline checks (see ClientTimeoutHandler). */
    private final LongSupplier upstreamTick;
    private final ConnectionTracker tracker;
    /** The running context and what its limits make of a pipeline; rebuilt when a reload swaps the context. */
    private volatile Settings settings;
    private final TlsTermination tls;
    private final HstsHandler hsts;
    private final int redirectToHttps;
    private final long handshakeTimeoutMillis;
    private final boolean proxyProtocol;

    private record Settings(ProxyContext context, HttpDecoderConfig decoderConfig) {
        static Settings of(ProxyContext context) {
            LimitsConfig limits = context.config().limits();
            HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                    .setMaxInitialLineLength((int) Math.min(Integer.MAX_VALUE - REQUEST_LINE_SLACK, limits.maxUriLength()) + REQUEST_LINE_SLACK)
                    .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, limits.maxHeaderSize()))
                    .setMaxChunkSize(64 * 1024)
                    .setValidateHeaders(true)
                    .setStrictLineParsing(true)
                    .setAllowDuplicateContentLengths(false);
            return new Settings(context, decoderConfig);
        }
    }

    DownstreamChannelInitializer(Supplier<ProxyContext> contexts, ConnectionTracker tracker) {
        this(contexts, tracker, null, null, 0, false);
    }

    /**
     * @param tls TLS termination, or null on a plain listener
     * @param hsts the Strict-Transport-Security value for a TLS listener, or null
     * @param redirectToHttps the https port to redirect every request to, or 0
     * @param proxyProtocol every connection starts with a PROXY protocol header
     */
    DownstreamChannelInitializer(Supplier<ProxyContext> contexts, ConnectionTracker tracker, TlsTermination tls,
                                 String hsts, int redirectToHttps, boolean proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
        this.contexts = contexts;
        this.upstreamTick = () -> contexts.get().shortestUpstreamTimeoutNanos();
        this.tracker = tracker;
        this.tls = tls;
        this.hsts = hsts == null ? null : new HstsHandler(hsts);
        this.redirectToHttps = redirectToHttps;
        this.settings = Settings.of(contexts.get());
        // Listeners and limits.header_read_timeout's unit cannot change on reload in a way that matters
        // here: a handshake gets the header deadline of the config the listener started with.
        long header = contexts.get().config().limits().headerReadTimeout().toMillis();
        this.handshakeTimeoutMillis = header > 0 ? header : 10_000;
    }

    private static String peerAddress(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        return remote != null && remote.getAddress() != null ? remote.getAddress().getHostAddress() : String.valueOf(remote);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        tracker.opened(ch);
        ProxyContext current = contexts.get();
        String peer = peerAddress(ch);
        if (!proxyProtocol && !tracker.admit(ch, peer, current.config().limits().maxConnectionsPerIp())) {
            // Closed before a byte is read: the cheapest answer to one address opening too many.
            log.debug("connection from {} closed: limits.max_connections_per_ip reached", peer);
            ch.close();
            return;
        }
        Settings s = settings;
        if (s.context() != current) {
            s = Settings.of(current);
            settings = s;
        }
        HttpDecoderConfig decoderConfig = s.decoderConfig();
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(current.config().limits(), upstreamTick);
        ProxyHandler proxy = new ProxyHandler(contexts, timeouts, tls != null);
        timeouts.owner(proxy);
        ch.pipeline().addLast("client-timeouts", timeouts);
        if (proxyProtocol) {
            // The client's address (and so its per-address count) is known once the header is read.
            ch.pipeline().addLast("proxy-protocol", new HAProxyMessageDecoder())
                    .addLast("proxy-protocol-source", new ProxyProtocolHandler(tracker,
                            () -> contexts.get().config().limits().maxConnectionsPerIp(), peer));
        }
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(handshakeTimeoutMillis))
                    .addLast("tls-log", ClientHandshakeLog.INSTANCE);
        }
        ch.pipeline().addLast("http", new Http1ServerCodec(decoderConfig.clone()));
        if (hsts != null) {
            ch.pipeline().addLast("hsts", hsts);
        }
        if (redirectToHttps > 0) {
            ch.pipeline().addLast("redirect", new HttpsRedirectHandler(current, redirectToHttps, timeouts));
        }
        ch.pipeline().addLast("proxy", proxy);
    }
}
