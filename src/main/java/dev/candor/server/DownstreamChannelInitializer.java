package dev.candor.server;

import dev.candor.config.LimitsConfig;
import dev.candor.proxy.ClientTimeoutHandler;
import dev.candor.proxy.ProxyContext;
import dev.candor.proxy.ProxyHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds a client connection's pipeline, in order: client deadlines (on raw bytes) → HTTP/1.1 codec →
 * the proxy handler (which also decides when to read).
 */
@ChannelHandler.Sharable
final class DownstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Room for the method and version around the request target on the request line. */
    private static final int REQUEST_LINE_SLACK = 64;

    private final ProxyContext context;
    private final ConnectionTracker tracker;
    private final HttpDecoderConfig decoderConfig;
    private final long upstreamTickNanos;

    DownstreamChannelInitializer(ProxyContext context, ConnectionTracker tracker) {
        this.context = context;
        this.tracker = tracker;
        LimitsConfig limits = context.config().limits();
        this.upstreamTickNanos = context.shortestUpstreamTimeoutNanos();
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength((int) Math.min(Integer.MAX_VALUE - REQUEST_LINE_SLACK, limits.maxUriLength()) + REQUEST_LINE_SLACK)
                .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, limits.maxHeaderSize()))
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        tracker.opened(ch);
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(context.config().limits(), upstreamTickNanos);
        ProxyHandler proxy = new ProxyHandler(context, timeouts);
        timeouts.owner(proxy);
        ch.pipeline()
                .addLast("client-timeouts", timeouts)
                .addLast("http", new HttpServerCodec(decoderConfig.clone()))
                .addLast("proxy", proxy);
    }
}
