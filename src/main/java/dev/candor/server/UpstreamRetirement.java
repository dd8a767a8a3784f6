package dev.candor.server;

import dev.candor.client.ConnectionPools;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Closes the pools of an upstream that a reload removed or replaced, once no request still uses it:
 * requests that started on the old config keep their upstream, and a retry of one of them may still
 * need a connection. Closing a pool never cuts a busy connection (it closes when given back), so the
 * wait only avoids reopening pools for such stragglers; it is capped so nothing lingers forever.
 */
final class UpstreamRetirement {
    private static final Logger log = LoggerFactory.getLogger(UpstreamRetirement.class);
    private static final long CHECK_EVERY_MILLIS = 100;
    static final long MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final Upstream upstream;
    private final ConnectionPools pools;
    private final EventLoop loop;
    private final long deadline;

    private UpstreamRetirement(Upstream upstream, ConnectionPools pools, EventLoop loop) {
        this.upstream = upstream;
        this.pools = pools;
        this.loop = loop;
        this.deadline = System.nanoTime() + MAX_WAIT_NANOS;
    }

    /** Starts watching {@code upstream}; its pools close when it is idle (checked on {@code loop}). */
    static void start(Upstream upstream, ConnectionPools pools, EventLoop loop) {
        new UpstreamRetirement(upstream, pools, loop).check();
    }

    private void check() {
        if (busy() && System.nanoTime() - deadline < 0) {
            loop.schedule(this::check, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        for (Endpoint e : upstream.endpoints()) {
            pools.retire(e);
        }
        log.info("upstream {} (replaced or removed by a reload): pools closed", upstream.name());
    }

    private boolean busy() {
        if (upstream.pending().get() > 0) {
            return true;
        }
        for (Endpoint e : upstream.endpoints()) {
            if (e.health().inFlight() > 0) {
                return true;
            }
        }
        return false;
    }
}
