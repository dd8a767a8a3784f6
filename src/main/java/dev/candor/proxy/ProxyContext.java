package dev.candor.proxy;

import dev.candor.client.ConnectionPools;
import dev.candor.config.CandorConfig;
import dev.candor.config.ErrorsConfig;
import dev.candor.config.LimitsConfig;
import dev.candor.observe.AccessLog;
import dev.candor.observe.Metrics;
import dev.candor.observe.RecentFailures;
import dev.candor.observe.RequestJournal;
import dev.candor.event.EventSink;
import dev.candor.observe.Ticker;
import dev.candor.observe.Trace;
import dev.candor.upstream.Upstreams;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * What every client connection of one server shares: the routes and upstreams of one config snapshot,
 * and, across snapshots, the pools, access log, metrics, recent failures and whether the server is
 * draining. A reload makes a new context with {@link #next}; each request keeps the context it started
 * with, so in-flight requests finish on the config they began under.
 */
public final class ProxyContext {
    private final CandorConfig config;
    private final Router router;
    private final Upstreams upstreams;
    private final Shared shared;
    /** The ticker's monotonic clock, made once: every exchange's trace reads it. */
    private final LongSupplier nanoClock;

    /** What outlives a reload. */
    private record Shared(ConnectionPools pools, AccessLog accessLog, RecentFailures failures, Metrics metrics,
                          LongAdder staleRetries, AtomicBoolean draining, Ticker ticker, FilterChains chains,
                          RedisBuckets rateLimitStore, RequestJournal journal, EventSink events,
                          ClientFaultSampling clientFaults) {
    }

    public ProxyContext(CandorConfig config, Upstreams upstreams, ConnectionPools pools, AccessLog accessLog,
                        RecentFailures failures) {
        this(config, upstreams, pools, accessLog, failures, new Metrics());
    }

    public ProxyContext(CandorConfig config, Upstreams upstreams, ConnectionPools pools, AccessLog accessLog,
                        RecentFailures failures, Metrics metrics) {
        this(config, upstreams, pools, accessLog, failures, metrics, null);
    }

    /** {@code rateLimitStore}: the fleet's shared rate-limit buckets ({@code rate_limit_store}), or null for local ones. */
    public ProxyContext(CandorConfig config, Upstreams upstreams, ConnectionPools pools, AccessLog accessLog,
                        RecentFailures failures, Metrics metrics, RedisBuckets rateLimitStore) {
        this(config, upstreams, new Shared(requireNonNull(pools, "pools"), requireNonNull(accessLog, "accessLog"),
                requireNonNull(failures, "failures"), requireNonNull(metrics, "metrics"), new LongAdder(),
                new AtomicBoolean(), Ticker.SYSTEM, new FilterChains(metrics, rateLimitStore), rateLimitStore,
                RequestJournal.NONE, EventSink.NONE, new ClientFaultSampling()));
    }

    /** The same context writing requests to {@code journal} and events (ejections) to {@code events}. */
    public ProxyContext withJournal(RequestJournal journal, EventSink events) {
        Shared s = shared;
        return new ProxyContext(config, upstreams, new Shared(s.pools, s.accessLog, s.failures, s.metrics,
                s.staleRetries, s.draining, s.ticker, s.chains, s.rateLimitStore, requireNonNull(journal, "journal"),
                requireNonNull(events, "events"), s.clientFaults));
    }

    private ProxyContext(CandorConfig config, Upstreams upstreams, Shared shared) {
        this.config = requireNonNull(config, "config");
        this.router = new Router(config.routes(), config.upstreams(), shared.chains.build(config.routes()));
        this.nanoClock = shared.ticker::nanoTime;
        this.upstreams = requireNonNull(upstreams, "upstreams");
        this.shared = shared;
    }

    /** The context of a reloaded config: new routes and upstreams, the same pools, logs, metrics and drain flag. */
    public ProxyContext next(CandorConfig newConfig, Upstreams newUpstreams) {
        return new ProxyContext(newConfig, newUpstreams, shared);
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
        // A route may shorten them for the requests it takes.
        for (dev.candor.config.RouteConfig r : config.routes()) {
            var t = r.actions().timeouts();
            var rt = r.actions().retries();
            for (java.time.Duration d : new java.time.Duration[] {t == null ? null : t.response(),
                    t == null ? null : t.idle(), rt == null ? null : rt.perTryTimeout()}) {
                if (d != null && !d.isZero()) {
                    min = Math.min(min, d.toNanos());
                }
            }
        }
        return min;
    }

    /** The same context read with another clock: for tests of timing logic. */
    public ProxyContext withTicker(Ticker ticker) {
        Shared s = shared;
        return new ProxyContext(config, upstreams, new Shared(s.pools, s.accessLog, s.failures, s.metrics,
                s.staleRetries, s.draining, requireNonNull(ticker, "ticker"), s.chains, s.rateLimitStore, s.journal,
                s.events, s.clientFaults));
    }

    /** Where exchanges read the time. */
    Ticker ticker() {
        return shared.ticker;
    }

    /** A new trace of one exchange, timed by the ticker. */
    Trace newTrace() {
        return new Trace(nanoClock);
    }

    /** The fleet's shared rate-limit buckets, or null when they are local. */
    public RedisBuckets rateLimitStore() {
        return shared.rateLimitStore;
    }

    /** Whose X-Forwarded-For is believed. */
    java.util.List<dev.candor.config.Cidr> trustedProxies() {
        return config.edge().trustedProxies();
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

    /** The upstreams of this snapshot. */
    public Upstreams upstreams() {
        return upstreams;
    }

    ConnectionPools pools() {
        return shared.pools;
    }

    AccessLog accessLog() {
        return shared.accessLog;
    }

    /** The latest classified failures with their evidence. */
    public RecentFailures failures() {
        return shared.failures;
    }

    /** Where finished requests are counted and failures kept beyond memory. */
    public RequestJournal journal() {
        return shared.journal;
    }

    /** Where state changes seen on the request path (ejections) are told. */
    public EventSink events() {
        return shared.events;
    }

    /** What requests record for Prometheus and the dashboard. */
    public Metrics metrics() {
        return shared.metrics;
    }

    /**
     * Requests sent again because a pooled connection turned out to be closed. Invisible to clients, but
     * a rising count warns of the keep-alive race before it turns into 502s.
     */
    public long staleRetries() {
        return shared.staleRetries.sum();
    }

    /** True when a client fault's full report is kept (see {@link ClientFaultSampling}). */
    boolean keepClientFault() {
        return shared.clientFaults.keep();
    }

    void countStaleRetry() {
        shared.staleRetries.increment();
    }

    ErrorsConfig.Expose expose() {
        return config.errors().expose();
    }

    /** True once a graceful shutdown began: finish what is in flight, keep nothing alive. */
    public boolean isDraining() {
        return shared.draining.get();
    }

    public void startDraining() {
        shared.draining.set(true);
    }
}
