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

import java.util.function.Supplier;

/**
 * Builds a client connection's pipeline, in order: client deadlines (on raw bytes) → HTTP/1.1 codec →
 * the proxy handler (which also decides when to read).
 */
@ChannelHandler.Sharable
final class DownstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Room for the method and version around the request target on the request line. */
    private static final int REQUEST_LINE_SLACK = 64;

    private final Supplier<ProxyContext> contexts;
    private final ConnectionTracker tracker;
    /** The running context and what its limits make of a pipeline; rebuilt when a reload swaps the context. */
    private volatile Settings settings;

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
        this.contexts = contexts;
        this.tracker = tracker;
        this.settings = Settings.of(contexts.get());
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
        ProxyHandler proxy = new ProxyHandler(contexts, timeouts);
        timeouts.owner(proxy);
        ch.pipeline()
                .addLast("client-timeouts", timeouts)
                .addLast("http", new HttpServerCodec(decoderConfig.clone()))
                .addLast("proxy", proxy);
    }
}
