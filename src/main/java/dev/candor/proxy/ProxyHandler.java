package dev.candor.proxy;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
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
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The last handler of an HTTP/1.1 client connection, after the HTTP codec: the connection's lifetime.
 * It turns each request into an {@link Exchange} whose {@link Downstream} is this connection
 * ({@link Http1Downstream}), one at a time (pipelined requests wait their turn, in order), and keeps the
 * connection alive between them.
 *
 * <p>Reading: the connection reads on its own ({@code AUTO_READ}) as long as every message it decodes
 * can be handed on at once, which is the steady state of a keep-alive connection and costs no system
 * call to re-arm. A message that cannot be taken yet (a body chunk while the upstream is connecting or
 * cannot keep up, or the next pipelined request) is held in an inbox and reading stops until the inbox
 * is empty again, so what Candor holds for a client is bounded by one read.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {
    /** Fired into the pipeline when the server starts draining. */
    public static final Object DRAIN = new Object();
    /** Fired into the pipeline when the shutdown grace period is over: what still runs (a tunnel) ends now. */
    public static final Object GOING_AWAY = new Object();

    /** The running config's context, read afresh for each request so a reload applies from the next one. */
    private final Supplier<ProxyContext> contexts;
    private final ClientTimeoutHandler timeouts;
    private final String scheme;
    private ChannelHandlerContext ctx;
    private Http1Downstream downstream;
    private Exchange exchange;
    private boolean discardingBody;
    private String clientIp;
    /**
     * Decoded messages not handed on yet, oldest first; reading is paused while any wait. Made when
     * the first message has to wait: most connections never need it, and a crowd of idle ones should
     * not each hold one.
     */
    private ArrayDeque<Object> inbox;
    private boolean delivering;

    public ProxyHandler(Supplier<ProxyContext> contexts, ClientTimeoutHandler timeouts) {
        this(contexts, timeouts, false);
    }

    /** {@code secure}: the connection came through TLS termination, so requests are forwarded as https. */
    public ProxyHandler(Supplier<ProxyContext> contexts, ClientTimeoutHandler timeouts, boolean secure) {
        this.contexts = contexts;
        this.timeouts = timeouts;
        this.scheme = secure ? "https" : "http";
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The client's address as a PROXY protocol header gave it: it replaces the socket's peer (an L4
     * balancer) for every request of this connection. Called before the first request is decoded.
     */
    public void clientAddress(String ip) {
        clientIp = ip;
        downstream = null;
    }

    /** The client's address: the socket's peer unless a PROXY protocol header said otherwise. */
    private String clientIp() {
        if (clientIp == null) {
            SocketAddress remote = ctx.channel().remoteAddress();
            clientIp = remote instanceof InetSocketAddress isa && isa.getAddress() != null
                    ? isa.getAddress().getHostAddress() : String.valueOf(remote);
        }
        return clientIp;
    }

    /**
     * This connection as the exchanges' downstream, made with the first request: a connection that
     * never completes a request head, like a slowloris, holds neither it nor the address string.
     */
    private Http1Downstream downstream() {
        if (downstream == null) {
            downstream = new Http1Downstream(this, ctx, scheme, clientIp());
        }
        return downstream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (inboxEmpty() && canTake(msg)) {
            deliver(msg);
        } else {
            if (inbox == null) {
                inbox = new ArrayDeque<>(4);
            }
            inbox.addLast(msg);
            ctx.channel().config().setAutoRead(false);
        }
    }

    /**
     * Hands on what the inbox holds as far as the exchange (or the next request) can take it, then reads
     * on if nothing is left waiting. Called when whatever blocked the oldest message may have cleared.
     */
    void resumeReading() {
        if (delivering) {
            return; // the loop below is already running further up the stack
        }
        delivering = true;
        try {
            Object next;
            while (inbox != null && (next = inbox.peekFirst()) != null && canTake(next) && ctx.channel().isActive()) {
                deliver(inbox.pollFirst());
            }
        } finally {
            delivering = false;
        }
        if (exchange != null) {
            exchange.flushRequestBody();
        }
        if (inboxEmpty() && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Whether {@code msg} can be handed on now. */
    private boolean canTake(Object msg) {
        if (msg instanceof HttpRequest) {
            return exchange == null && !discardingBody;
        }
        if (exchange != null) {
            return exchange.wantsRequestBody();
        }
        return true; // a body being discarded, or a stray piece: handled at once
    }

    private void deliver(Object msg) {
        if (msg instanceof HttpRequest request) {
            timeouts.requestHeadReceived();
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                RequestCheck.Rejection r = RequestCheck.decoderFailure(request.decoderResult().cause(), true);
                rejectUnparsed(r.status(), r.reason());
                return;
            }
            ProxyContext context = contexts.get();
            Http1Downstream client = downstream();
            client.begin(request, context.limits());
            exchange = new Exchange(client, context, request);
            exchange.start();
        } else if (msg instanceof HttpContent content) {
            if (exchange != null) {
                exchange.onRequestContent(content);
            } else if (discardingBody) {
                content.release();
                if (content instanceof LastHttpContent) {
                    discardingBody = false;
                    awaitNextRequest();
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
    void exchangeDone(boolean keepAlive, boolean requestComplete) {
        exchange = null;
        if (!keepAlive || isDraining() || !ctx.channel().isActive()) {
            ctx.close();
        } else if (requestComplete) {
            awaitNextRequest();
        } else {
            // Answered before its (empty) body end was read: consume that, then serve the next request.
            discardingBody = true;
            resumeReading();
        }
    }

    /** The exchange ended by cutting the connection. */
    void exchangeAborted() {
        exchange = null;
    }

    boolean isDraining() {
        return contexts.get().isDraining();
    }

    private void awaitNextRequest() {
        timeouts.awaitNextRequest();
        resumeReading();
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
                + contexts.get().limits().headerReadTimeout().toMillis() + "ms)");
    }

    private void replyAndClose(HttpResponseStatus status, String reason) {
        ProxyContext context = contexts.get();
        ExchangeLog log = new ExchangeLog(context.ticker().now(), context.newTrace(), clientIp())
                .request(RequestIds.generate(), null, null, false);
        Cause cause = new Cause(Phase.CLIENT_REQUEST, Actor.CLIENT, Signal.CLIENT_FAULT, null);
        FullHttpResponse reply = LocalReply.build(ctx.alloc(),
                new LocalReply.Content(status, cause.type(), reason, reason, null, log.requestId), context.expose(), null, true);
        log.status = status.code();
        log.bytesSent = reply.content().readableBytes();
        log.failure(cause, reason, null);
        FailureRecorder.record(context, log);
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushRequestBody();
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
        releaseInbox();
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseInbox();
    }

    private boolean inboxEmpty() {
        return inbox == null || inbox.isEmpty();
    }

    private void releaseInbox() {
        Object msg;
        while (inbox != null && (msg = inbox.pollFirst()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes from clients are routine; the exchange logs what happened.
        ctx.close();
    }
}
