package dev.candor.proxy;

import dev.candor.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Client-side deadlines, placed before the HTTP codec so it sees raw bytes: a complete request header
 * must arrive within {@code limits.header_read_timeout} of its first byte (or of the connection opening),
 * however slowly it trickles in; an idle keep-alive connection is closed after
 * {@code limits.client_idle_timeout}.
 */
public final class ClientTimeoutHandler extends ChannelDuplexHandler {
    private enum Phase { HEADER, BUSY, IDLE }

    private final long headerNanos;
    private final long idleNanos;
    private ProxyHandler owner;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEADER;
    private ScheduledFuture<?> timer;

    public ClientTimeoutHandler(LimitsConfig limits) {
        this.headerNanos = limits.headerReadTimeout().toNanos();
        this.idleNanos = limits.clientIdleTimeout().toNanos();
    }

    /** Set once the pipeline is built; the owner answers 408. */
    public void owner(ProxyHandler owner) {
        this.owner = owner;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startHeaderDeadline();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            startHeaderDeadline(); // the first byte of the next request starts its header clock
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    void requestHeadReceived() {
        phase = Phase.BUSY;
        cancel();
    }

    void awaitNextRequest() {
        phase = Phase.IDLE;
        cancel();
        if (idleNanos > 0) {
            timer = ctx.executor().schedule(() -> {
                if (phase == Phase.IDLE) {
                    ctx.close();
                }
            }, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void startHeaderDeadline() {
        phase = Phase.HEADER;
        cancel();
        if (headerNanos > 0) {
            timer = ctx.executor().schedule(() -> {
                if (phase == Phase.HEADER) {
                    owner.headerTimedOut();
                }
            }, headerNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
