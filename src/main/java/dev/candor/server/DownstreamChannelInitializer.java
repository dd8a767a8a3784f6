package dev.candor.server;

import dev.candor.config.LimitsConfig;
import dev.candor.proxy.ClientTimeoutHandler;
import dev.candor.proxy.ProxyContext;
import dev.candor.proxy.HttpsRedirectHandler;
import dev.candor.proxy.ProxyHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds a client connection's pipeline, in order: client deadlines (on raw bytes, so a TLS handshake
 * counts against the header deadline too) → TLS with SNI on a TLS listener → HTTP/1.1 codec → HSTS on a
 * TLS listener that sets it → the proxy handler (which also decides when to read), or the redirect to
 * https on a plain listener with {@code redirect_to_https}.
 */
@ChannelHandler.Sharable
final class DownstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Room for the method and version around the request target on the request line. */
    private static final int REQUEST_LINE_SLACK = 64;

    private final ProxyContext context;
    private final ConnectionTracker tracker;
    private final HttpDecoderConfig decoderConfig;
    private final long upstreamTickNanos;
    private final TlsTermination tls;
    private final HstsHandler hsts;
    private final int redirectToHttps;
    private final long handshakeTimeoutMillis;

    DownstreamChannelInitializer(ProxyContext context, ConnectionTracker tracker) {
        this(context, tracker, null, null, 0);
    }

    /**
     * @param tls TLS termination, or null on a plain listener
     * @param hsts the Strict-Transport-Security value for a TLS listener, or null
     * @param redirectToHttps the https port to redirect every request to, or 0
     */
    DownstreamChannelInitializer(ProxyContext context, ConnectionTracker tracker, TlsTermination tls, String hsts,
                                 int redirectToHttps) {
        this.context = context;
        this.tracker = tracker;
        this.tls = tls;
        this.hsts = hsts == null ? null : new HstsHandler(hsts);
        this.redirectToHttps = redirectToHttps;
        LimitsConfig limits = context.config().limits();
        this.upstreamTickNanos = context.shortestUpstreamTimeoutNanos();
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength((int) Math.min(Integer.MAX_VALUE - REQUEST_LINE_SLACK, limits.maxUriLength()) + REQUEST_LINE_SLACK)
                .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, limits.maxHeaderSize()))
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false);
        long header = limits.headerReadTimeout().toMillis();
        this.handshakeTimeoutMillis = header > 0 ? header : 10_000;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        tracker.opened(ch);
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(context.config().limits(), upstreamTickNanos);
        ProxyHandler proxy = new ProxyHandler(context, timeouts, tls != null);
        timeouts.owner(proxy);
        ch.pipeline().addLast("client-timeouts", timeouts);
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(handshakeTimeoutMillis))
                    .addLast("tls-log", ClientHandshakeLog.INSTANCE);
        }
        ch.pipeline().addLast("http", new HttpServerCodec(decoderConfig.clone()));
        if (hsts != null) {
            ch.pipeline().addLast("hsts", hsts);
        }
        if (redirectToHttps > 0) {
            ch.pipeline().addLast("redirect", new HttpsRedirectHandler(context, redirectToHttps, timeouts));
        }
        ch.pipeline().addLast("proxy", proxy);
    }
}
