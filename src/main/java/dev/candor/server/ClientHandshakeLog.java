package dev.candor.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, at debug level, client TLS handshakes that fail (an old TLS version, no common cipher suite, a
 * client that does not trust the certificate): no request was made, so there is no access-log line,
 * and at the internet's rate of such clients a warning would be noise.
 */
@ChannelHandler.Sharable
final class ClientHandshakeLog extends ChannelInboundHandlerAdapter {
    static final ClientHandshakeLog INSTANCE = new ClientHandshakeLog();
    private static final Logger log = LoggerFactory.getLogger("candor.tls");

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess() && log.isDebugEnabled()) {
            log.debug("TLS handshake with client {} failed: {}", ctx.channel().remoteAddress(), e.cause().toString());
        }
        ctx.fireUserEventTriggered(evt);
    }
}
