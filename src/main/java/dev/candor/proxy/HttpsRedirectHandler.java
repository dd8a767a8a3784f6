package dev.candor.proxy;

import dev.candor.observe.AccessLogEntry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Takes the place of the proxy handler on a plain-HTTP listener with {@code redirect_to_https}: every
 * request is answered {@code 308 Permanent Redirect} (RFC 9110 §15.4.9, which keeps the method and
 * body, unlike 301) to the same host and target over https, and logged. Request bodies are read and
 * dropped so the connection can stay alive. It drives the client deadlines as the proxy handler does
 * (header deadline per request, keep-alive idle between requests); the proxy handler stays behind it in
 * the pipeline, never reached by a request, to answer a too slow header with 408 and to close idle
 * connections on drain.
 */
public final class HttpsRedirectHandler extends ChannelInboundHandlerAdapter {
    private final ProxyContext context;
    private final int httpsPort;
    private final ClientTimeoutHandler timeouts;
    private boolean keepAlive = true;

    public HttpsRedirectHandler(ProxyContext context, int httpsPort, ClientTimeoutHandler timeouts) {
        this.context = context;
        this.httpsPort = httpsPort;
        this.timeouts = timeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                timeouts.requestHeadReceived();
                answer(ctx, request);
            }
            if (msg instanceof LastHttpContent && keepAlive) {
                timeouts.awaitNextRequest(); // the request (and any body, dropped) has been read
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request) {
        long start = System.nanoTime();
        Instant time = Instant.now();
        String requestId = RequestIds.choose(request.headers().get(HeaderRules.X_REQUEST_ID));
        String uri = request.uri();
        String hostHeader = request.headers().get(HttpHeaderNames.HOST);
        keepAlive = HttpUtil.isKeepAlive(request) && !context.isDraining();
        FullHttpResponse response;
        Object checked = request.decoderResult().isFailure() ? null
                : RequestCheck.check(request, context.limits().maxUriLength(), Long.MAX_VALUE);
        if (checked instanceof RequestCheck.Target target && target.host() != null) {
            String host = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
            String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + target.path();
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT,
                    Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.LOCATION, location);
        } else {
            // Without a valid Host there is nowhere to send the client, and the framing may be unknown.
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                    Unpooled.EMPTY_BUFFER);
            keepAlive = false;
        }
        response.headers()
                .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HeaderRules.X_REQUEST_ID, requestId);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        int status = response.status().code();
        var write = ctx.writeAndFlush(response);
        if (!keepAlive) {
            write.addListener(ChannelFutureListener.CLOSE);
        }
        String clientIp = ctx.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        context.accessLog().log(new AccessLogEntry(time, requestId, clientIp, request.method().name(), hostHeader, uri,
                request.protocolVersion().minorVersion() == 0 ? "HTTP/1.0" : "HTTP/1.1", status, 0,
                (System.nanoTime() - start) / 1e6, null, null, null, 0, null, null, null, null, null, null));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
