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
    private boolean idleBefore;

    private UpstreamRetirement(Upstream upstream, ConnectionPools pools, EventLoop loop) {
        this.upstream = upstream;
        this.pools = pools;
        this.loop = loop;
        this.deadline = System.nanoTime() + MAX_WAIT_NANOS;
    }

    /**
     * Starts watching {@code upstream}; its pools close once it was seen idle on two checks in a row
     * (checked on {@code loop}): a request that picked up the old config an instant before the swap has
     * by then counted itself in, since starting an attempt takes no time the check could fall into twice.
     */
    static void start(Upstream upstream, ConnectionPools pools, EventLoop loop) {
        UpstreamRetirement r = new UpstreamRetirement(upstream, pools, loop);
        loop.schedule(r::check, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void check() {
        boolean idle = !busy();
        if (!(idle && idleBefore) && System.nanoTime() - deadline < 0) {
            idleBefore = idle;
            loop.schedule(this::check, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        pools.retire(upstream.endpoints());
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
