package dev.candor.proxy;

import dev.candor.client.ConnectionPools;
import dev.candor.config.CandorConfig;
import dev.candor.config.ErrorsConfig;
import dev.candor.config.LimitsConfig;
import dev.candor.observe.AccessLog;
import dev.candor.observe.RecentFailures;
import dev.candor.upstream.Upstreams;

import static java.util.Objects.requireNonNull;

/**
 * What every client connection of one server shares: the routes, upstreams and pools of the running
 * config, the access log, and whether the server is draining.
 */
public final class ProxyContext {
    private final CandorConfig config;
    private final Router router;
    private final Upstreams upstreams;
    private final ConnectionPools pools;
    private final AccessLog accessLog;
    private final RecentFailures failures;
    private final java.util.concurrent.atomic.LongAdder staleRetries = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean draining;

    public ProxyContext(CandorConfig config, Upstreams upstreams, ConnectionPools pools, AccessLog accessLog,
                        RecentFailures failures) {
        this.config = requireNonNull(config, "config");
        this.router = new Router(config.routes());
        this.upstreams = requireNonNull(upstreams, "upstreams");
        this.pools = requireNonNull(pools, "pools");
        this.accessLog = requireNonNull(accessLog, "accessLog");
        this.failures = requireNonNull(failures, "failures");
    }

    /**
     * The shortest upstream timeout that exchanges enforce (response, per-try or idle), which bounds how
     * far apart a connection's deadline checks may be; {@link Long#MAX_VALUE} when none is set.
     */
    public long shortestUpstreamTimeoutNanos() {
        long min = Long.MAX_VALUE;
        for (dev.candor.config.UpstreamConfig u : config.upstreams().values()) {
            for (java.time.Duration d : java.util.List.of(u.timeouts().response(), u.timeouts().idle(),
                    u.retries().perTryTimeout())) {
                if (!d.isZero()) {
                    min = Math.min(min, d.toNanos());
                }
            }
        }
        return min;
    }

    public CandorConfig config() {
        return config;
    }

    LimitsConfig limits() {
        return config.limits();
    }

    Router router() {
        return router;
    }

    Upstreams upstreams() {
        return upstreams;
    }

    ConnectionPools pools() {
        return pools;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    /** The latest classified failures with their evidence. */
    public RecentFailures failures() {
        return failures;
    }

    /**
     * Requests sent again because a pooled connection turned out to be closed. Invisible to clients, but
     * a rising count warns of the keep-alive race before it turns into 502s.
     */
    public long staleRetries() {
        return staleRetries.sum();
    }

    void countStaleRetry() {
        staleRetries.increment();
    }

    ErrorsConfig.Expose expose() {
        return config.errors().expose();
    }

    /** True once a graceful shutdown began: finish what is in flight, keep nothing alive. */
    public boolean isDraining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
