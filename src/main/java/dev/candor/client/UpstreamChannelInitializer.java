package dev.candor.client;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import dev.candor.upstream.Endpoint;

/**
 * Builds an upstream connection's pipeline: for TLS upstreams the record watcher and TLS handler, then
 * protocol sniffer, HTTP/1.1 client codec, {@link UpstreamHandler}.
 */
@ChannelHandler.Sharable
final class UpstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final UpstreamTls tls;
    private final Endpoint endpoint;
    private final long handshakeTimeoutMillis;

    /** Plain HTTP. */
    UpstreamChannelInitializer() {
        this(null, null, 0);
    }

    /** TLS to {@code endpoint} when {@code tls} is not null, the handshake bounded by {@code handshakeTimeoutMillis}. */
    UpstreamChannelInitializer(UpstreamTls tls, Endpoint endpoint, long handshakeTimeoutMillis) {
        this.tls = tls;
        this.endpoint = endpoint;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    static final String SNIFFER = "sniffer";
    static final String HTTP = "http";

    private final HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(UpstreamLimits.MAX_RESPONSE_HEADER_SIZE)
            .setMaxChunkSize(64 * 1024)
            .setValidateHeaders(true)
            .setStrictLineParsing(true);

    @Override
    protected void initChannel(SocketChannel ch) {
        if (tls != null) {
            ch.pipeline()
                    .addLast("tls-records", new TlsRecordWatcher())
                    .addLast("tls", tls.newHandler(ch, endpoint, handshakeTimeoutMillis));
        }
        ch.pipeline()
                .addLast(SNIFFER, new ProtocolSniffer())
                .addLast(HTTP, new HttpClientCodec(decoderConfig.clone(), false, false))
                .addLast("upstream", new UpstreamHandler());
    }
}
