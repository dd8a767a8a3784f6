package dev.candor.proxy;

import dev.candor.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Client-side deadlines, placed before the HTTP codec so it sees raw bytes: a complete request header
 * must arrive within {@code limits.header_read_timeout} of its first byte (or of the connection opening),
 * however slowly it trickles in; an idle keep-alive connection is closed after
 * {@code limits.client_idle_timeout}.
 *
 * <p>Each connection's header deadline is drawn between {@code header_read_timeout} and a quarter more
 * ({@link #HEADER_SPREAD}): a crowd of slowloris connections opened together would otherwise time out
 * together, every wave of timeouts and reconnects a burst of work on one event loop. Spread, the waves
 * flatten out within a few rounds.
 *
 * <p>One self-rescheduling check per connection, never more than the shortest timeout apart, instead of
 * timers per request: a phase change is then just two field writes, and the check still fires before any
 * deadline passes. While a request is in flight the same check enforces the upstream's
 * {@code timeouts.response} and {@code timeouts.idle} for it.
 */
public final class ClientTimeoutHandler extends ChannelDuplexHandler {
    private enum Phase { HEADER, BUSY, IDLE }

    /** The header deadline is spread over {@code header_read_timeout / HEADER_SPREAD} past it. */
    static final int HEADER_SPREAD = 4;

    private final long headerNanos;
    private final long idleNanos;
    private final long tickNanos;
    private ProxyHandler owner;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEADER;
    private long phaseStartNanos;
    private ScheduledFuture<?> check;

    /**
     * @param upstreamTickNanos the shortest upstream response, per-try or idle timeout of the config
     *                          ({@link Long#MAX_VALUE} when there is none)
     */
    public ClientTimeoutHandler(LimitsConfig limits, long upstreamTickNanos) {
        long header = limits.headerReadTimeout().toNanos();
        this.headerNanos = header <= 0 ? header : header + ThreadLocalRandom.current().nextLong(header / HEADER_SPREAD + 1);
        this.idleNanos = limits.clientIdleTimeout().toNanos();
        long tick = upstreamTickNanos;
        if (headerNanos > 0) {
            tick = Math.min(tick, headerNanos);
        }
        if (idleNanos > 0) {
            tick = Math.min(tick, idleNanos);
        }
        this.tickNanos = tick;
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
        enter(Phase.HEADER);
        schedule(tickNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            enter(Phase.HEADER); // the first byte of the next request starts its header clock
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelCheck();
        ctx.fireChannelInactive();
    }

    /** Leaves when the connection switches protocols: a tunnel keeps its own idle clock. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelCheck();
    }

    private void cancelCheck() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    void requestHeadReceived() {
        enter(Phase.BUSY);
    }

    void awaitNextRequest() {
        enter(Phase.IDLE);
    }

    private void enter(Phase next) {
        phase = next;
        phaseStartNanos = System.nanoTime();
    }

    private void schedule(long delayNanos) {
        if (tickNanos != Long.MAX_VALUE && check == null) {
            check = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        check = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (phase == Phase.BUSY) {
            long next = owner.checkExchange(now);
            if (ctx.channel().isActive()) {
                schedule(Math.min(next, tickNanos));
            }
            return;
        }
        long elapsed = now - phaseStartNanos;
        long limit = phase == Phase.HEADER ? headerNanos : idleNanos;
        if (limit > 0 && elapsed >= limit) {
            if (phase == Phase.HEADER) {
                owner.headerTimedOut();
            } else {
                ctx.close();
            }
            return;
        }
        long remaining = limit > 0 ? limit - elapsed : tickNanos;
        schedule(Math.min(remaining, tickNanos));
    }
}
