package dev.candor.proxy;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.Trace;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * The last handler of a client connection, after the HTTP codec and flow control: turns each request
 * into an {@link Exchange}, one at a time (pipelined requests wait their turn, in order), and keeps the
 * connection alive between them. Reads are explicit ({@code AUTO_READ} is off), so nothing is read from
 * the client that the upstream cannot take yet.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {
    /** Fired into the pipeline when the server starts draining. */
    public static final Object DRAIN = new Object();

    private final ProxyContext context;
    private final ClientTimeoutHandler timeouts;
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private boolean discardingBody;
    private String clientIp;

    public ProxyHandler(ProxyContext context, ClientTimeoutHandler timeouts) {
        this.context = context;
        this.timeouts = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        clientIp = remote instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() : String.valueOf(remote);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (exchange != null) {
                // Cannot happen with flow control in front; refuse to interleave two exchanges.
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            timeouts.requestHeadReceived();
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                RequestCheck.Rejection r = RequestCheck.decoderFailure(request.decoderResult().cause(), true);
                rejectUnparsed(r.status(), r.reason());
                return;
            }
            exchange = new Exchange(this, ctx, context, request, clientIp);
            exchange.start();
        } else if (msg instanceof HttpContent content) {
            if (exchange != null) {
                exchange.onRequestContent(content);
            } else if (discardingBody) {
                content.release();
                if (content instanceof LastHttpContent) {
                    discardingBody = false;
                    awaitNextRequest();
                } else {
                    ctx.read();
                }
            } else {
                content.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Enforces the in-flight exchange's deadlines; nanoseconds until its next one. */
    long checkExchange(long now) {
        Exchange e = exchange;
        return e == null ? Long.MAX_VALUE : e.checkDeadlines(now);
    }

    /** The exchange finished and its response is flushed. */
    void exchangeDone(Exchange done, boolean keepAlive) {
        exchange = null;
        if (!keepAlive || context.isDraining() || !ctx.channel().isActive()) {
            ctx.close();
        } else if (done.isRequestComplete()) {
            awaitNextRequest();
        } else {
            // Answered before its (empty) body end was read: consume that, then serve the next request.
            discardingBody = true;
            ctx.read();
        }
    }

    /** The exchange ended by cutting the connection. */
    void exchangeAborted(Exchange aborted) {
        exchange = null;
    }

    private void awaitNextRequest() {
        timeouts.awaitNextRequest();
        ctx.read();
    }

    /** Answers a request whose head could not be parsed: no exchange, and the connection closes. */
    private void rejectUnparsed(HttpResponseStatus status, String reason) {
        replyAndClose(status, reason);
    }

    /** The client did not send a complete header in time: 408 and close (slowloris defence). */
    void headerTimedOut() {
        if (exchange != null || !ctx.channel().isActive()) {
            return;
        }
        replyAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "request header not received within limits.header_read_timeout ("
                + context.limits().headerReadTimeout().toMillis() + "ms)");
    }

    private void replyAndClose(HttpResponseStatus status, String reason) {
        Trace trace = Trace.start();
        String requestId = RequestIds.generate();
        Cause cause = new Cause(Phase.CLIENT_REQUEST, Actor.CLIENT, Signal.CLIENT_FAULT, null);
        FullHttpResponse reply = LocalReply.build(ctx.alloc(),
                new LocalReply.Content(status, cause.type(), reason, reason, null, requestId), context.expose(), null, true);
        FailureRecorder.record(context, new FailureRecorder.Facts(Instant.now(), trace, requestId, clientIp, null, null,
                null, false, status.code(), reply.content().readableBytes(), null, null, List.of(), 0, null, cause,
                reason, null));
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // At the end of a read cycle the flow-control handler forgets a read() it could not satisfy yet
        // (Netty 4.2); ask again whenever more is wanted, or a request body stalls half-way.
        boolean wanted = exchange != null ? exchange.wantsRequestBody() : discardingBody;
        if (wanted) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.onDownstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DRAIN) {
            if (exchange == null) {
                ctx.close(); // idle keep-alive connection: nothing to finish
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes from clients are routine; the exchange logs what happened.
        ctx.close();
    }
}
