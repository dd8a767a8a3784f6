package dev.candor.server;

import dev.candor.client.ConnectionPools;
import dev.candor.client.DnsRefresher;
import dev.candor.client.DnsResolver;
import dev.candor.config.DnsConfig;
import dev.candor.client.HealthProbe;
import dev.candor.health.HealthChecker;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import dev.candor.client.Transport;
import dev.candor.client.UpstreamTlsContexts;
import dev.candor.config.CandorConfig;
import dev.candor.event.Event;
import dev.candor.journal.Journal;
import dev.candor.observe.AccessLog;
import dev.candor.observe.AccessLogs;
import dev.candor.observe.Metrics;
import dev.candor.observe.RecentFailures;
import dev.candor.proxy.ProxyContext;
import dev.candor.proxy.ProxyHandler;
import dev.candor.proxy.RedisBuckets;
import dev.candor.upstream.Upstreams;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * A running Candor: its listeners, event loops, upstream pools and access log. Started from a validated
 * config; stopped gracefully (drain in-flight requests) or at once.
 */
public final class CandorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CandorServer.class);
    /** How many failure reports are kept for the admin API. */
    private static final int RECENT_FAILURES = 1000;
    /** How long the metric series of a removed endpoint outlive it. */
    private static final long FORGET_AFTER_SECONDS = 60;
    /** How long ending tunnels get to send their close frames once the grace period is over. */
    private static final long TUNNEL_GOODBYE_NANOS = 500_000_000L;

    private final Transport transport;
    private final EventLoopGroup group;
    /** The running config's context; replaced by a reload, read by each new request. */
    private final AtomicReference<ProxyContext> context;
    private final ConnectionPools pools;
    private final AccessLog accessLog;
    private final ConnectionTracker tracker;
    private final Listeners listeners;
    private final HealthProbe probe;
    private final RandomGenerator random;
    /** One health checker per running upstream object, so a reload starts and stops them one by one. */
    private final Map<Upstream, HealthChecker> health = new HashMap<>();
    private final UpstreamTlsContexts upstreamTls;
    /** Each listener's TLS termination, or null for a plain one, in listener order. */
    private final DnsResolver resolver;
    private final DnsRefresher dns;
    private final Instant startedAt = Instant.now();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Journal journal;
    /** Whether every in-flight request finished within the grace period; null until a graceful stop. */
    private volatile Boolean drainedInTime;

    private CandorServer(Transport transport, EventLoopGroup group, AtomicReference<ProxyContext> context,
                         ConnectionPools pools, AccessLog accessLog, ConnectionTracker tracker, Listeners listeners,
                         HealthProbe probe, RandomGenerator random, DnsResolver resolver, DnsRefresher dns,
                         UpstreamTlsContexts upstreamTls, Journal journal) {
        this.journal = journal;
        this.probe = probe;
        this.random = random;
        this.upstreamTls = upstreamTls;
        this.resolver = resolver;
        this.dns = dns;
        this.transport = transport;
        this.group = group;
        this.context = context;
        this.pools = pools;
        this.accessLog = accessLog;
        this.tracker = tracker;
        this.listeners = listeners;
    }

    /** Starts with the access log the config names. */
    public static CandorServer start(CandorConfig config) throws IOException {
        return start(config, AccessLogs.open(config.accessLog()));
    }

    /** Starts with a given access log (which the server closes when it stops). */
    public static CandorServer start(CandorConfig config, AccessLog accessLog) throws IOException {
        requireNonNull(config, "config");
        requireNonNull(accessLog, "accessLog");
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newEventLoopGroup(config.effectiveWorkers(), "candor-loop");
        UpstreamTlsContexts upstreamTls = UpstreamTlsContexts.of(config.upstreams().values(), Clock.systemUTC());
        // First, so that everything started below can tell it what happens.
        Journal journal = Journal.open(config.journal(), Clock.systemUTC());
        ConnectionPools pools = new ConnectionPools(transport, upstreamTls, journal);
        // Balancers are called from every event loop: each call draws from the calling thread's generator.
        RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        Upstreams upstreams = Upstreams.of(config, random, System::nanoTime, Clock.systemUTC());
        // Connects in the background: until Redis answers, rate limits count locally.
        RedisBuckets rateLimitStore = config.edge().rateLimitStore() == null ? null
                : RedisBuckets.start(config.edge().rateLimitStore(), group);
        AtomicReference<ProxyContext> context = new AtomicReference<>(
                new ProxyContext(config, upstreams, pools, accessLog, new RecentFailures(RECENT_FAILURES), new Metrics(),
                        rateLimitStore)
                        .withJournal(journal, journal));
        ConnectionTracker tracker = new ConnectionTracker(config.limits().maxConnections(), context.get().metrics());
        Listeners listeners;
        try {
            listeners = Listeners.bind(config.listeners(), transport, group, context::get, tracker, journal);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            accessLog.close();
            journal.close();
            throw e;
        }
        DnsResolver resolver = new DnsResolver(config.dns(), group.next(), transport, Clock.systemUTC());
        DnsRefresher dns = new DnsRefresher(resolver, config.dns(), Clock.systemUTC(), journal);
        CandorServer server = new CandorServer(transport, group, context, pools, accessLog, tracker, listeners,
                new HealthProbe(transport, Clock.systemUTC(), upstreamTls), random, resolver, dns, upstreamTls, journal);
        journal.record(startEvent(config, server.addresses()));
        synchronized (server) {
            upstreams.all().forEach(server::startUpstream);
        }
        awaitFirstAnswers(dns.follow(upstreams.all()), config.dns());
        return server;
    }

    private static Event startEvent(CandorConfig config, List<InetSocketAddress> bound) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("pid", Long.toString(ProcessHandle.current().pid()));
        facts.put("config", config.source() == null ? null : config.source().toAbsolutePath().toString());
        facts.put("listeners", bound.toString());
        facts.put("upstreams", String.join(", ", config.upstreams().keySet()));
        return new Event(Instant.now(), Event.START, config.source() == null ? null : config.source().toString(),
                "Candor started (pid " + facts.get("pid") + ") on " + bound, facts);
    }

    /** Pools and metrics follow the upstream's DNS changes, and its endpoints are health-checked. */
    private void startUpstream(Upstream u) {
        u.addListener((upstream, added, removed) -> {
            pools.retire(removed);
            forgetLater(upstream.name(), removed);
        });
        health.put(u, HealthChecker.start(List.of(u), group, probe, random, journal));
    }

    /**
     * Drops the metric series of endpoints that are gone, a while later: requests still in flight to
     * them record first, and an address that DNS gives back meanwhile keeps its series.
     */
    private void forgetLater(String upstream, List<Endpoint> gone) {
        List<String> labels = gone.stream().map(Endpoint::label).toList();
        if (group.isShuttingDown()) {
            return;
        }
        group.next().schedule(() -> {
            Upstream now = upstreams().get(upstream);
            for (String label : labels) {
                if (now == null || now.endpoints().stream().noneMatch(e -> e.label().equals(label))) {
                    metrics().forgetEndpoint(upstream, label);
                }
            }
        }, FORGET_AFTER_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Gives every endpoint name its first lookup before traffic arrives, as long as a lookup may take
     * (a name that still has no answer then fails its requests with dns_timeout until it does).
     */
    private static void awaitFirstAnswers(CompletableFuture<Void> settled, DnsConfig dnsConfig) {
        long waitMillis = dnsConfig.timeout().toMillis() * Math.max(2, dnsConfig.resolvers().size() + 1) + 500;
        try {
            settled.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("some endpoint names have no DNS answer after {} ms; their requests fail with dns_timeout "
                    + "until one arrives", waitMillis);
        } catch (ExecutionException e) {
            log.warn("first DNS lookups failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** DNS lookups, failures and stale answers so far. */
    public DnsRefresher dns() {
        return dns;
    }

    /**
     * Swaps in a validated config (see {@code ConfigLoader.parseForReload}): new requests use it at once,
     * requests in flight finish on the one they started with. Upstreams whose config did not change are
     * kept as they are (endpoints, pools, health, ejections, drains, DNS answers); the others are replaced.
     * New upstreams get their first DNS answers before the swap. Replaced or removed upstreams stop their
     * health checks and DNS refreshes at once, and their pools close once their last request is done.
     *
     * @return what changed
     */
    public synchronized ReloadOutcome reload(CandorConfig next) {
        requireNonNull(next, "next");
        if (closed.get()) {
            throw new IllegalStateException("the server is stopped");
        }
        ProxyContext old = context.get();
        upstreamTls.update(next.upstreams().values());
        listeners.reconfigure(next.listeners());
        Upstreams upstreams = Upstreams.of(next, old.upstreams(), random, System::nanoTime, Clock.systemUTC());
        List<String> kept = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<Upstream> fresh = new ArrayList<>();
        for (Upstream u : upstreams.all()) {
            if (health.containsKey(u)) {
                kept.add(u.name());
            } else {
                added.add(u.name());
                fresh.add(u);
                startUpstream(u);
            }
        }
        // New names get their first answers before any request can use them (reloads run off the event loops).
        awaitFirstAnswers(dns.follow(fresh), next.dns());
        context.set(old.next(next, upstreams));
        List<String> retired = new ArrayList<>();
        for (Upstream u : old.upstreams().all()) {
            if (upstreams.get(u.name()) != u) {
                retired.add(u.name());
                HealthChecker checker = health.remove(u);
                if (checker != null) {
                    checker.close();
                }
                dns.forget(u);
                UpstreamRetirement.start(u, pools, group.next());
                forgetLater(u.name(), u.endpoints());
            }
        }
        log.info("config reloaded: upstreams kept {}, new or changed {}, replaced or removed {}", kept, added, retired);
        return new ReloadOutcome(kept, added, retired);
    }

    /** Upstreams a reload kept unchanged, started (new or changed), and retired (changed or removed). */
    public record ReloadOutcome(List<String> kept, List<String> started, List<String> retired) {
    }

    /** The running config. */
    public CandorConfig config() {
        return context.get().config();
    }

    /** What requests record for Prometheus and the dashboard. */
    public Metrics metrics() {
        return context.get().metrics();
    }

    /** The access log (for its dropped-lines count). */
    public AccessLog accessLog() {
        return accessLog;
    }

    /**
     * Reopens the file logs after logrotate renamed them: the access log when it writes to a file (the
     * diagnostic log goes to stderr, which a service manager collects). Call it off the event loops; it
     * completes once the writer has switched files, with the path reopened (empty when there is none).
     */
    public CompletableFuture<Optional<Path>> reopenLogs(String trigger) {
        return accessLog.reopen().whenComplete((file, failure) -> {
            if (failure != null) {
                log.warn("logs not reopened ({}): {}", trigger, failure.getMessage());
            } else if (file.isPresent()) {
                log.info("access log reopened ({}): {}", trigger, file.get());
            } else {
                log.info("logs reopen ({}): no file log to reopen (the access log is {})", trigger,
                        context.get().config().accessLog().enabled() ? context.get().config().accessLog().path() : "off");
            }
        });
    }

    public Instant startedAt() {
        return startedAt;
    }

    /**
     * Closes the idle pooled connections of every endpoint of an upstream (busy ones finish).
     *
     * @return how many were idle, or -1 when there is no such upstream
     */
    public int flush(String upstream) {
        Upstream u = upstreams().get(upstream);
        if (u == null) {
            return -1;
        }
        int n = 0;
        for (Endpoint e : u.endpoints()) {
            n += pools.flushIdle(e);
        }
        log.info("upstream {}: flushed {} idle pooled connection(s)", upstream, n);
        return n;
    }

    /** The addresses actually bound, in listener order (useful with port 0). */
    public List<InetSocketAddress> addresses() {
        return listeners.addresses();
    }

    public String transportName() {
        return transport.name();
    }

    public ConnectionPools pools() {
        return pools;
    }

    /** The latest classified failures with their evidence. */
    public RecentFailures failures() {
        return context.get().failures();
    }

    /** The running upstreams with their endpoints and health. */
    public Upstreams upstreams() {
        return context.get().upstreams();
    }

    /**
     * Takes an endpoint out of rotation (or puts it back): no new requests, in-flight ones finish.
     * {@code endpoint} is an address ({@code 10.0.0.7:8080}) or a configured name
     * ({@code api.internal:8080}), which applies to every address the name resolves to now.
     *
     * @return false when there is no such upstream or endpoint
     */
    public boolean drain(String upstream, String endpoint, boolean draining) {
        Upstream u = upstreams().get(upstream);
        if (u == null) {
            return false;
        }
        boolean found = false;
        for (Endpoint e : u.endpoints()) {
            if (e.label().equals(endpoint) || e.address().toString().equals(endpoint)) {
                e.health().drain(draining);
                log.info("upstream {} endpoint {}: {}", upstream, e.describe(), draining ? "draining" : "back in rotation");
                Map<String, String> facts = new LinkedHashMap<>();
                facts.put("upstream", upstream);
                facts.put("endpoint", e.label());
                facts.put("draining", Boolean.toString(draining));
                facts.put("in_flight", Integer.toString(e.health().inFlight()));
                journal.record(new Event(Instant.now(), Event.DRAIN, upstream + "/" + e.label(), "endpoint "
                        + e.label() + " of upstream " + upstream + (draining ? " drained by an operator"
                        : " put back in rotation by an operator"), facts));
                found = true;
            }
        }
        return found;
    }

    /** Requests sent again, transparently, because a pooled connection turned out to be closed. */
    public long staleRetries() {
        return context.get().staleRetries();
    }

    /**
     * Why this Candor should not get traffic yet (or any more), for {@code GET /ready}; null when it is
     * ready: listeners bound (they are, once the server exists), every endpoint name's first DNS lookup
     * answered, and not draining.
     */
    public String notReadyReason() {
        ProxyContext c = context.get();
        if (c.isDraining()) {
            return "draining: shutting down, in-flight requests are finishing";
        }
        for (Upstream u : c.upstreams().all()) {
            String name = u.firstLookupPendingName();
            if (name != null) {
                return "waiting for the first DNS answer for " + name + " (upstream " + u.name() + ")";
            }
        }
        return null;
    }

    /** The fleet's rate-limit store and whether it answers, or null when buckets are local. */
    public RateLimitStoreStatus rateLimitStore() {
        RedisBuckets store = context.get().rateLimitStore();
        if (store == null) {
            return null;
        }
        RedisBuckets.Status s = store.status();
        return new RateLimitStoreStatus(s.url(), s.connected(), s.downSince(), s.downReason());
    }

    /** {@code rate_limit_store} as /api/status shows it: connected, or since when and why not. */
    public record RateLimitStoreStatus(String url, boolean connected, Instant downSince, String downReason) {
    }

    /** Open client connections right now. */
    public int clientConnections() {
        return tracker.count();
    }

    /**
     * Stops accepting, closes idle client connections, lets in-flight requests finish for up to
     * {@code grace}, then closes whatever is left and releases everything.
     *
     * @return true when every in-flight request finished within the grace period
     */
    public boolean shutdownGracefully(Duration grace) {
        context.get().startDraining();
        listeners.stopAccepting();
        for (Channel ch : tracker.channels()) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ProxyHandler.DRAIN));
        }
        boolean clean;
        try {
            clean = tracker.awaitNone(grace.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = tracker.count() == 0;
        }
        if (!clean) {
            log.warn("shutdown_grace ({}) elapsed with {} client connection(s) still busy; closing them",
                    grace, tracker.count());
            // Tunnels end politely (a WebSocket close frame, code 1001, to both sides) before the rest is cut.
            for (Channel ch : tracker.channels()) {
                ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ProxyHandler.GOING_AWAY));
            }
            try {
                tracker.awaitNone(TUNNEL_GOODBYE_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drainedInTime = clean;
        close();
        return clean;
    }

    /** Closes every connection at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        context.get().startDraining();
        listeners.close();
        dns.close();
        synchronized (this) {
            health.values().forEach(HealthChecker::close);
        }
        tracker.channels().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        pools.close();
        RedisBuckets store = context.get().rateLimitStore();
        if (store != null) {
            store.close();
        }
        resolver.loop().execute(resolver::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        accessLog.close();
        Boolean drained = drainedInTime;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("pid", Long.toString(ProcessHandle.current().pid()));
        facts.put("graceful", Boolean.toString(drained != null));
        facts.put("drained_in_time", drained == null ? null : drained.toString());
        facts.put("uptime_s", Long.toString(java.time.Duration.between(startedAt, Instant.now()).toSeconds()));
        journal.record(new Event(Instant.now(), Event.STOP, null, drained == null ? "Candor stopped at once"
                : drained ? "Candor stopped after draining every in-flight request"
                : "Candor stopped; the grace period elapsed with requests in flight", facts));
        journal.close();
    }

    /** The journal (a no-op one when {@code journal: off}). */
    public Journal journal() {
        return journal;
    }
}
