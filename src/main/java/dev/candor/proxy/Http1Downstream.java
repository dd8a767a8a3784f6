package dev.candor.proxy;

import dev.candor.config.LimitsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The HTTP/1.1 client connection as the downstream of its exchanges, one at a time: frames responses for
 * the request's version (chunking, {@code Connection: close} or keep-alive), remembers whether the
 * connection outlives the exchange, and hands control back to its {@link ProxyHandler} when it ends.
 */
final class Http1Downstream implements Downstream {
    private final ProxyHandler handler;
    private final ChannelHandlerContext ctx;
    private final String scheme;
    private final String clientIp;
    private boolean http10;
    private boolean headRequest;
    private boolean keepAlive;
    /** The connection closes when the current exchange ends. */
    private boolean closeAfter;

    Http1Downstream(ProxyHandler handler, ChannelHandlerContext ctx, String scheme, String clientIp) {
        this.handler = handler;
        this.ctx = ctx;
        this.scheme = scheme;
        this.clientIp = clientIp;
    }

    /** A new request starts on this connection. */
    void begin(HttpRequest request, LimitsConfig limits) {
        http10 = request.protocolVersion().minorVersion() == 0;
        headRequest = request.method() == HttpMethod.HEAD;
        keepAlive = HttpUtil.isKeepAlive(request) && !limits.clientIdleTimeout().isZero();
        closeAfter = false;
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public void sendContinue() {
        FullHttpResponse cont = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
        ctx.writeAndFlush(cont, ctx.voidPromise());
    }

    @Override
    public void sendHead(HttpResponse head, boolean upstreamChunked, boolean mustClose) {
        closeAfter = ResponseHead.frame(head, mustClose || !keepAlive || isDraining(), headRequest, http10, upstreamChunked);
        ctx.write(head, ctx.voidPromise());
    }

    @Override
    public void sendContent(HttpContent content) {
        ctx.write(content, ctx.voidPromise());
    }

    @Override
    public void sendLast(LastHttpContent last, Runnable flushed) {
        (last == null ? ctx.writeAndFlush(Unpooled.EMPTY_BUFFER) : ctx.writeAndFlush(last)).addListener(f -> flushed.run());
    }

    @Override
    public void sendReply(FullHttpResponse reply, boolean mustClose, Runnable flushed) {
        closeAfter = mustClose || !keepAlive || isDraining();
        if (closeAfter) {
            reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(reply).addListener(f -> flushed.run());
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void resumeRequest() {
        handler.resumeReading();
    }

    @Override
    public boolean canTunnel() {
        return !http10;
    }

    @Override
    public Channel switchToTunnel(HttpResponse switching, ChannelHandler tunnelEnd) {
        switching.setProtocolVersion(HttpVersion.HTTP_1_1);
        ctx.write(switching, ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        // The 101 is encoded by now. From here on the connection carries raw bytes: the HTTP codec and the
        // request deadlines leave, and the tunnel end takes the proxy handler's place.
        Channel channel = ctx.channel();
        ChannelPipeline p = ctx.pipeline();
        p.replace(handler, "tunnel", tunnelEnd);
        p.remove(Http1ServerCodec.class);
        if (p.get(ClientTimeoutHandler.class) != null) {
            p.remove(ClientTimeoutHandler.class);
        }
        return channel;
    }

    @Override
    public void exchangeDone(Exchange done, boolean requestComplete) {
        handler.exchangeDone(!closeAfter, requestComplete);
    }

    @Override
    public void exchangeAborted(Exchange aborted) {
        ctx.close();
        handler.exchangeAborted();
    }

    @Override
    public boolean isDraining() {
        return handler.isDraining();
    }
}
