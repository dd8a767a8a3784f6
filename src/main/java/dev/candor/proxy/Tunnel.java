package dev.candor.proxy;

import dev.candor.client.UpstreamStream;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry.TunnelClose;
import dev.candor.observe.Metrics;
import dev.candor.observe.TraceEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What an exchange becomes after a {@code 101 Switching Protocols}: the client connection and the upstream
 * connection joined as a byte pipe, with backpressure (a side that cannot take more stops the other from
 * being read). Bytes pass unaltered; the WebSocket frames are only read as they pass, for who closed
 * and why. {@code timeouts.tunnel_idle} of silence both ways, or the end of a shutdown's grace period,
 * closes it from Candor's side with close code 1001 to both. One access-log line is written when both
 * connections are closed. The tunnel keeps the configuration it started with: a reload does not touch it.
 */
final class Tunnel {
    private static final int GOING_AWAY_CODE = 1001;

    private final Exchange exchange;
    private final UpstreamStream upstreamStream;
    private final Metrics metrics;
    private final long idleNanos;
    private final End clientEnd = new End(true);
    private final End upstreamEnd = new End(false);
    private boolean started;
    private int closedEnds;
    private long lastActivityNanos;
    private long bytesToClient;
    private long bytesFromClient;
    private ScheduledFuture<?> idleCheck;
    private TunnelClose close;

    private Tunnel(Exchange exchange, UpstreamStream upstreamStream) {
        this.exchange = exchange;
        this.upstreamStream = upstreamStream;
        this.metrics = exchange.context.metrics();
        this.idleNanos = exchange.timeouts().tunnelIdle().toNanos();
    }

    /**
     * The upstream answered {@code 101} to the current attempt: switch both connections to a tunnel, or,
     * when the switch is not the one asked for or cannot be carried, fail the attempt with
     * {@code http_upgrade_failed}.
     */
    static void open(Exchange x, Attempt a, HttpResponse switching) {
        String refusal = null;
        if (!Upgrades.switchesTo(switching, x.upgrade())) {
            String to = switching.headers().get(HttpHeaderNames.UPGRADE);
            refusal = a.endpoint.label() + " switched to " + (to == null ? "no named protocol" : "'" + to + "'")
                    + " when " + x.upgrade() + " was asked for";
        } else if (!x.isRequestComplete()) {
            refusal = "the upgrade request's body was still arriving when " + a.endpoint.label() + " switched protocols";
        } else if (!x.downstream.canTunnel()) {
            refusal = "the client's connection cannot carry a protocol switch";
        }
        if (refusal != null) {
            x.log.upstreamStatus = 101; // it did answer; what it answered cannot be carried
            a.fail(new Fault(new Cause(Phase.AWAIT_HEADERS, Actor.UPSTREAM, Signal.UPGRADE_FAILED, "101 to " + x.upgrade()),
                    refusal));
            return;
        }
        x.forwarder().judge(a, null, false);
        ExchangeLog log = x.log;
        log.status = 101;
        log.upstreamStatus = 101;
        log.protocol = x.upgrade();
        x.facts().route().filters().onResponse(x.facts(), switching);
        UpstreamStream up = a.takeStream();
        a.end(null, null);
        x.tunnelled();
        Tunnel t = new Tunnel(x, up);
        // The client side first: its 101 leaves through the HTTP encoder before the codec goes; bytes the
        // upstream sent behind its 101 reach the tunnel only once both sides are switched.
        Channel client = x.downstream.switchToTunnel(switching, t.clientEnd);
        Channel upstream = up.switchToTunnel(t.upstreamEnd);
        t.start(client, upstream);
    }

    private void start(Channel client, Channel upstream) {
        clientEnd.channel = client;
        upstreamEnd.channel = upstream;
        started = true;
        lastActivityNanos = now();
        metrics.tunnels(1);
        exchange.trace.add(TraceEvent.TUNNEL_OPENED);
        exchange.log.switchedNanos = exchange.trace.elapsedNanos();
        clientEnd.relayEarly();
        upstreamEnd.relayEarly();
        for (End e : new End[]{clientEnd, upstreamEnd}) {
            if (!e.channel.isActive()) {
                e.closed();
            }
        }
        if (idleNanos > 0 && closedEnds == 0) {
            scheduleIdleCheck(idleNanos);
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = clientEnd.channel.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        idleCheck = null;
        if (closedEnds > 0) {
            return;
        }
        long silent = now() - lastActivityNanos;
        if (silent >= idleNanos) {
            goAway("tunnel idle for " + FailureTexts.seconds(silent) + " (timeouts.tunnel_idle)");
        } else {
            scheduleIdleCheck(idleNanos - silent);
        }
    }

    /**
     * Candor ends the tunnel: a close frame with 1001 to each side whose stream is between frames (never
     * inside one of the peer's frames), then both connections close.
     */
    private void goAway(String reason) {
        if (close == null) {
            close = new TunnelClose("candor", GOING_AWAY_CODE, reason);
        }
        sendCloseAndClose(clientEnd.channel, upstreamEnd.frames, null, reason);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        sendCloseAndClose(upstreamEnd.channel, clientEnd.frames, mask, reason);
    }

    private static void sendCloseAndClose(Channel ch, WebSocketFrames towardsIt, byte[] mask, String reason) {
        if (!ch.isActive()) {
            return;
        }
        ByteBuf frame = Unpooled.EMPTY_BUFFER;
        if (towardsIt.betweenFrames()) {
            frame = ch.alloc().buffer(8 + reason.length());
            WebSocketFrames.writeClose(frame, GOING_AWAY_CODE, reason, mask);
        }
        ch.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    private void finish() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        upstreamStream.discard();
        metrics.tunnels(-1);
        ExchangeLog log = exchange.log;
        log.bytesSent = bytesToClient;
        log.bytesReceived = bytesFromClient;
        log.close = close;
        exchange.trace.add(TraceEvent.TUNNEL_CLOSED, close.by());
        FailureRecorder.record(exchange.context, log);
    }

    private long now() {
        return exchange.context.ticker().nanoTime();
    }

    /** One side of the pipe: what it reads goes to the other side. */
    private final class End extends ChannelInboundHandlerAdapter {
        private final boolean facesClient;
        /** Frames read from this side, going to the other. */
        final WebSocketFrames frames = new WebSocketFrames();
        Channel channel;
        private ArrayDeque<ByteBuf> early;
        private boolean closed;

        End(boolean facesClient) {
            this.facesClient = facesClient;
        }

        private End other() {
            return facesClient ? upstreamEnd : clientEnd;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                ReferenceCountUtil.release(msg); // what the HTTP codec still held as it left: the 101's empty end
                return;
            }
            if (!started) {
                if (early == null) {
                    early = new ArrayDeque<>(2);
                }
                early.add(bytes);
                return;
            }
            relay(bytes);
        }

        void relayEarly() {
            ByteBuf b;
            while (early != null && (b = early.poll()) != null) {
                relay(b);
            }
            other().channel.flush();
            channel.config().setAutoRead(true);
        }

        private void relay(ByteBuf bytes) {
            int n = bytes.readableBytes();
            if (n == 0 || other().closed) {
                bytes.release();
                return;
            }
            lastActivityNanos = now();
            frames.scan(bytes);
            if (close == null && frames.close() != null) {
                close = new TunnelClose(facesClient ? "client" : "upstream", frames.close().code(), frames.close().reason());
            }
            if (facesClient) {
                bytesFromClient += n;
            } else {
                bytesToClient += n;
            }
            metrics.tunnelBytes(!facesClient, n);
            Channel out = other().channel;
            out.write(bytes, out.voidPromise());
            if (!out.isWritable()) {
                // Pause before flushing: the flush may drain the other side at once and resume us.
                channel.config().setAutoRead(false);
                out.flush();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (started) {
                other().channel.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (started && ctx.channel().isWritable()) {
                other().channel.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (started) {
                closed();
            }
        }

        /** This side's connection is gone: the other side gets what is queued for it, then closes too. */
        void closed() {
            if (closed) {
                return;
            }
            closed = true;
            closedEnds++;
            if (close == null) {
                close = new TunnelClose(facesClient ? "client" : "upstream", null, null);
            }
            if (closedEnds == 1) {
                Channel o = other().channel;
                o.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                finish();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ProxyHandler.GOING_AWAY && started && closedEnds == 0) {
                goAway("Candor is shutting down");
            } else if (evt != ProxyHandler.DRAIN) { // a tunnel is not idle: it runs until the grace period ends
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // resets and broken pipes end the tunnel like a close
        }
    }
}
