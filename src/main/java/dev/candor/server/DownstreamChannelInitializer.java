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
import dev.candor.proxy.Http1ServerCodec;

import java.util.function.Supplier;

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

    private final Supplier<ProxyContext> contexts;
    private final ConnectionTracker tracker;
    /** The running context and what its limits make of a pipeline; rebuilt when a reload swaps the context. */
    private volatile Settings settings;
    private final TlsTermination tls;
    private final HstsHandler hsts;
    private final int redirectToHttps;
    private final long handshakeTimeoutMillis;

    private record Settings(ProxyContext context, HttpDecoderConfig decoderConfig, long upstreamTickNanos) {
        static Settings of(ProxyContext context) {
            LimitsConfig limits = context.config().limits();
            HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                    .setMaxInitialLineLength((int) Math.min(Integer.MAX_VALUE - REQUEST_LINE_SLACK, limits.maxUriLength()) + REQUEST_LINE_SLACK)
                    .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, limits.maxHeaderSize()))
                    .setMaxChunkSize(64 * 1024)
                    .setValidateHeaders(true)
                    .setStrictLineParsing(true)
                    .setAllowDuplicateContentLengths(false);
            return new Settings(context, decoderConfig, context.shortestUpstreamTimeoutNanos());
        }
    }

    DownstreamChannelInitializer(Supplier<ProxyContext> contexts, ConnectionTracker tracker) {
        this(contexts, tracker, null, null, 0);
    }

    /**
     * @param tls TLS termination, or null on a plain listener
     * @param hsts the Strict-Transport-Security value for a TLS listener, or null
     * @param redirectToHttps the https port to redirect every request to, or 0
     */
    DownstreamChannelInitializer(Supplier<ProxyContext> contexts, ConnectionTracker tracker, TlsTermination tls,
                                 String hsts, int redirectToHttps) {
        this.contexts = contexts;
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

    @Override
    protected void initChannel(SocketChannel ch) {
        tracker.opened(ch);
        ProxyContext current = contexts.get();
        Settings s = settings;
        if (s.context() != current) {
            s = Settings.of(current);
            settings = s;
        }
        HttpDecoderConfig decoderConfig = s.decoderConfig();
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(current.config().limits(), s.upstreamTickNanos());
        ProxyHandler proxy = new ProxyHandler(contexts, timeouts, tls != null);
        timeouts.owner(proxy);
        ch.pipeline().addLast("client-timeouts", timeouts);
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
