package dev.candor.server;

import dev.candor.proxy.ProxyHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntSupplier;

/**
 * Sits behind Netty's {@code HAProxyMessageDecoder} on a {@code proxy_protocol} listener: takes the client
 * address from the PROXY header (v1 or v2) and hands it to the connection's {@link ProxyHandler}, then
 * leaves the pipeline. A {@code LOCAL} header (a balancer's own health check) or an address family other
 * than IPv4/IPv6 keeps the socket's peer. A connection whose first bytes are not a valid header is
 * closed: on such a listener, anything else would let a client choose its own address.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final ConnectionTracker tracker;
    private final IntSupplier maxPerAddress;
    private final String socketPeer;

    ProxyProtocolHandler(ConnectionTracker tracker, IntSupplier maxPerAddress, String socketPeer) {
        this.tracker = tracker;
        this.maxPerAddress = maxPerAddress;
        this.socketPeer = socketPeer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String client;
        try {
            HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
            boolean ip = family == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                    || family == HAProxyProxiedProtocol.AddressFamily.AF_IPv6;
            client = header.command() == HAProxyCommand.PROXY && ip && header.sourceAddress() != null
                    ? header.sourceAddress() : socketPeer;
        } finally {
            ReferenceCountUtil.release(header);
        }
        ctx.pipeline().remove(this);
        if (!tracker.admit(ctx.channel(), client, maxPerAddress.getAsInt())) {
            log.debug("connection from {} (via {}) closed: limits.max_connections_per_ip reached", client, socketPeer);
            ctx.close();
            return;
        }
        ProxyHandler proxy = ctx.pipeline().get(ProxyHandler.class);
        if (proxy != null) {
            proxy.clientAddress(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException) {
            log.debug("connection from {} closed: no valid PROXY protocol header ({})", socketPeer, cause.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
