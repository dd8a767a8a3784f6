package dev.candor.client;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of one endpoint's pool that belongs to one event loop: its idle connections and the
 * requests waiting for one. Only that loop touches the deques; the counters are read across loops.
 */
final class LoopSlot {
    final EventLoop loop;
    final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    final AtomicInteger idleCount = new AtomicInteger();
    final AtomicInteger waiterCount = new AtomicInteger();
    /** The one timer that closes this loop's connections once idle too long; null when none is due. */
    ScheduledFuture<?> idleSweep;
    /** When {@link #idleSweep} fires, in {@link System#nanoTime()} terms. */
    long sweepAtNanos;

    LoopSlot(EventLoop loop) {
        this.loop = loop;
    }

    /** A request waiting for a connection because the endpoint is at {@code pool.max_connections}. */
    static final class Waiter {
        final Promise<UpstreamConnection> promise;
        /** A retry after a stale pooled connection: served by a new connection, never an idle one. */
        final boolean fresh;
        ScheduledFuture<?> timer;

        Waiter(Promise<UpstreamConnection> promise, boolean fresh) {
            this.promise = promise;
            this.fresh = fresh;
        }
    }
}
