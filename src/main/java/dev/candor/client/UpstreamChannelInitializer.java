package dev.candor.client;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Builds an upstream connection's pipeline: protocol sniffer, HTTP/1.1 client codec, {@link UpstreamHandler}. */
@ChannelHandler.Sharable
final class UpstreamChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(UpstreamLimits.MAX_RESPONSE_HEADER_SIZE)
            .setMaxChunkSize(64 * 1024)
            .setValidateHeaders(true)
            .setStrictLineParsing(true);

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("sniffer", new ProtocolSniffer())
                .addLast("http", new HttpClientCodec(decoderConfig.clone(), false, false))
                .addLast("upstream", new UpstreamHandler());
    }
}
