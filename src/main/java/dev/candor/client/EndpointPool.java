package dev.candor.client;

import dev.candor.event.EventSink;
import dev.candor.config.PoolConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.upstream.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections to one endpoint, split by event loop so a request always uses a connection on its own
 * loop (no locks, no thread hops). {@code pool.max_connections} bounds the sum over all loops; a request
 * beyond it waits up to {@code timeouts.connect} for a connection to be released or closed.
 */
final class EndpointPool {
    private final Endpoint endpoint;
    private final Transport transport;
    private final UpstreamChannelInitializer initializer;
    private final int maxConnections;
    private final long idleTimeoutNanos;
    private final int connectTimeoutMillis;
    private final InetSocketAddress remote;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final ConcurrentHashMap<EventLoop, LoopSlot> slots = new ConcurrentHashMap<>();
    private final KeepAliveParity parity;
    private volatile boolean closed;

    EndpointPool(Endpoint endpoint, PoolConfig pool, TimeoutsConfig timeouts, Transport transport,
                 UpstreamChannelInitializer initializer, EventSink events) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.initializer = initializer;
        this.maxConnections = pool.maxConnections();
        this.idleTimeoutNanos = pool.idleTimeout().toNanos();
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis());
        // Always an IP address: names were resolved (asynchronously) before the endpoint existed.
        this.remote = endpoint.socketAddress();
        this.parity = new KeepAliveParity(endpoint.upstream(), endpoint.label(), idleTimeoutNanos, events);
    }

    Endpoint endpoint() {
        return endpoint;
    }

    KeepAliveParity parity() {
        return parity;
    }

    int openConnections() {
        return open.get();
    }

    int peakOpenConnections() {
        return peakOpen.get();
    }

    int idleConnections() {
        int n = 0;
        for (LoopSlot s : slots.values()) {
            n += s.idleCount.get();
        }
        return n;
    }

    /**
     * Lends a connection on {@code loop}: an idle one, a new one, or the next one freed. With
     * {@code fresh} the idle ones are skipped (a retry after a stale pooled connection must not meet
     * another one).
     */
    Future<UpstreamConnection> acquire(EventLoop loop, boolean fresh) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        if (closed) {
            return promise.setFailure(new IllegalStateException("pool to " + endpoint.label() + " is closed"));
        }
        LoopSlot slot = slots.computeIfAbsent(loop, LoopSlot::new);
        UpstreamConnection idle = fresh ? null : pollIdle(slot);
        if (idle != null) {
            return promise.setSuccess(idle);
        }
        if (tryReserve()) {
            connect(slot, promise);
            return promise;
        }
        if (connectTimeoutMillis == 0) {
            return promise.setFailure(new PoolExhaustedException(endpoint.label(), maxConnections, 0));
        }
        LoopSlot.Waiter waiter = new LoopSlot.Waiter(promise, fresh);
        slot.waiters.addLast(waiter);
        slot.waiterCount.incrementAndGet();
        waiter.timer = loop.schedule(() -> {
            if (slot.waiters.remove(waiter)) {
                slot.waiterCount.decrementAndGet();
                promise.tryFailure(new PoolExhaustedException(endpoint.label(), maxConnections, connectTimeoutMillis));
            }
        }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
        // The waiter is published (waiterCount) before looking again: a connection closed or made idle
        // on another loop between tryReserve() and now saw no waiter, so this side must see its effect.
        serveWaiters(slot);
        if (slot.waiters.peekLast() == waiter) { // still waiting (served, it would have left the deque)
            evictIdleOnOtherLoops(loop);
        }
        return promise;
    }

    private boolean tryReserve() {
        if (maxConnections <= 0) {
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            return true;
        }
        while (true) {
            int n = open.get();
            if (n >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                peakOpen.accumulateAndGet(n + 1, Math::max);
                return true;
            }
        }
    }

    private void connect(LoopSlot slot, Promise<UpstreamConnection> promise) {
        long start = System.nanoTime();
        Bootstrap bootstrap = new Bootstrap()
                .group(slot.loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 256 * 1024))
                .handler(initializer);
        ChannelFuture connected = bootstrap.connect(remote);
        Channel channel = connected.channel();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                channel.closeFuture().addListener(c -> onClosed(slot, null));
                promise.tryFailure(f.cause());
                return;
            }
            long connectNanos = System.nanoTime() - start;
            UpstreamTls.handshake(channel, connectNanos).addListener(h -> {
                if (!h.isSuccess()) {
                    channel.closeFuture().addListener(c -> onClosed(slot, null));
                    channel.close();
                    promise.tryFailure(h.cause());
                    return;
                }
                UpstreamConnection connection = new UpstreamConnection(channel, this, slot, connectNanos, (Long) h.getNow());
                channel.closeFuture().addListener(c -> onClosed(slot, connection));
                if (!promise.trySuccess(connection)) {
                    release(connection);
                }
            });
        });
    }

    private UpstreamConnection pollIdle(LoopSlot slot) {
        UpstreamConnection c;
        while ((c = slot.idle.pollFirst()) != null) {
            slot.idleCount.decrementAndGet();
            c.idle = false;
            if (c.channel().isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Takes back a connection that finished a request cleanly. Runs on the connection's loop. */
    void release(UpstreamConnection c) {
        LoopSlot slot = c.slot();
        Channel channel = c.channel();
        if (closed || idleTimeoutNanos == 0 || !channel.isActive()) {
            c.closeByUs();
            return;
        }
        LoopSlot.Waiter waiter;
        while ((waiter = slot.waiters.pollFirst()) != null) {
            slot.waiterCount.decrementAndGet();
            waiter.timer.cancel(false);
            if (waiter.promise.trySuccess(c)) {
                return;
            }
        }
        c.markIdle();
        c.idle = true;
        slot.idle.addFirst(c);
        slot.idleCount.incrementAndGet();
        // Published idle (idleCount) before looking for waiters elsewhere: a request that started waiting
        // on another loop meanwhile either sees this connection (and has it evicted) or is seen here.
        if (waitersOnOtherLoops(slot)) {
            // A connection cannot move to another event loop; closing it frees the slot a request
            // waiting on another loop needs (onClosed wakes it to connect).
            slot.idle.removeFirst();
            slot.idleCount.decrementAndGet();
            c.idle = false;
            c.closeByUs();
            return;
        }
        // Connections always read, so a FIN or RST on an idle one is noticed at once; an exchange only
        // pauses reading while its client cannot keep up.
        channel.config().setAutoRead(true);
        long idleNanos = parity.effectiveIdleNanos();
        long due = System.nanoTime() + idleNanos;
        if (slot.idleSweep == null || slot.sweepAtNanos - due > 0) {
            // None due, or the learned keep-alive shortened the idle time below the one scheduled.
            if (slot.idleSweep != null) {
                slot.idleSweep.cancel(false);
            }
            slot.sweepAtNanos = due;
            slot.idleSweep = slot.loop.schedule(() -> sweepIdle(slot), idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Closes connections idle for {@code pool.idle_timeout}. One timer per loop, not one per connection:
     * the deque is most-recent-first, so the oldest idle connections are at its tail and the timer only
     * ever needs to wake for the tail.
     */
    private void sweepIdle(LoopSlot slot) {
        slot.idleSweep = null;
        long now = System.nanoTime();
        long idleNanos = parity.effectiveIdleNanos();
        UpstreamConnection oldest;
        while ((oldest = slot.idle.peekLast()) != null && now - oldest.idleSinceNanos() >= idleNanos) {
            slot.idle.pollLast();
            slot.idleCount.decrementAndGet();
            oldest.idle = false;
            oldest.closeByUs();
        }
        if (oldest != null) {
            long wait = oldest.idleSinceNanos() + idleNanos - now;
            slot.sweepAtNanos = now + wait;
            slot.idleSweep = slot.loop.schedule(() -> sweepIdle(slot), wait, TimeUnit.NANOSECONDS);
        }
    }

    private boolean waitersOnOtherLoops(LoopSlot own) {
        if (maxConnections <= 0) {
            return false; // unlimited: nobody waits
        }
        for (LoopSlot s : slots.values()) {
            if (s != own && s.waiterCount.get() > 0) {
                return true;
            }
        }
        return false;
    }

    private void onClosed(LoopSlot ownSlot, UpstreamConnection c) {
        open.decrementAndGet();
        if (c != null && c.idle && !c.closedByUs()) {
            // The endpoint closed a connection that sat idle with us: that is its keep-alive timeout.
            parity.observeIdleClose(System.nanoTime() - c.idleSinceNanos());
        }
        // A connection closed while idle still sits in its loop's deque: drop it so idle counts stay true.
        // (Close listeners run on the channel's own loop, the one that owns the deque.)
        if (c != null && c.idle && ownSlot.idle.remove(c)) {
            c.idle = false;
            ownSlot.idleCount.decrementAndGet();
        }
        for (LoopSlot s : slots.values()) {
            if (s.waiterCount.get() > 0) {
                s.loop.execute(() -> serveWaiters(s));
            }
        }
    }

    private void serveWaiters(LoopSlot slot) {
        LoopSlot.Waiter first;
        while ((first = slot.waiters.peekFirst()) != null) {
            UpstreamConnection c = first.fresh ? null : pollIdle(slot);
            if (c == null && !tryReserve()) {
                return;
            }
            LoopSlot.Waiter waiter = slot.waiters.pollFirst();
            slot.waiterCount.decrementAndGet();
            waiter.timer.cancel(false);
            if (c != null) {
                if (!waiter.promise.trySuccess(c)) {
                    release(c);
                }
            } else {
                connect(slot, waiter.promise);
            }
        }
    }

    /** Frees a slot for a waiting loop by closing an idle connection some other loop holds. */
    private void evictIdleOnOtherLoops(EventLoop waitingLoop) {
        for (LoopSlot s : slots.values()) {
            if (s.loop != waitingLoop && s.idleCount.get() > 0) {
                s.loop.execute(() -> {
                    UpstreamConnection c = s.idle.pollLast();
                    if (c != null) {
                        s.idleCount.decrementAndGet();
                        c.idle = false;
                        c.closeByUs();
                    }
                });
                return;
            }
        }
    }

    /** Closes idle connections now and every other one when it is given back. */
    void close() {
        closed = true;
        closeIdle();
    }

    /** Closes the idle connections (each on its own loop); busy ones stay and return to the pool as usual. */
    void closeIdle() {
        for (LoopSlot s : slots.values()) {
            s.loop.execute(() -> {
                UpstreamConnection c;
                while ((c = s.idle.pollFirst()) != null) {
                    s.idleCount.decrementAndGet();
                    c.idle = false;
                    c.closeByUs();
                }
            });
        }
    }
}
