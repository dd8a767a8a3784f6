package dev.candor.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * Adds {@code Strict-Transport-Security} to every response on a TLS listener (RFC 6797 §7.1: only over
 * a secure transport), unless the upstream already set its own. Sits between the HTTP codec and the
 * proxy handler, so it sees response heads, both forwarded and made by Candor.
 */
@ChannelHandler.Sharable
final class HstsHandler extends ChannelOutboundHandlerAdapter {
    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");
    private final String value;

    HstsHandler(String value) {
        this.value = value;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().code() >= 200
                && !response.headers().contains(STRICT_TRANSPORT_SECURITY)) {
            response.headers().set(STRICT_TRANSPORT_SECURITY, value);
        }
        ctx.write(msg, promise);
    }
}
