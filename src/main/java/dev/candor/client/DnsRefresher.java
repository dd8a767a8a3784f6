package dev.candor.client;

import dev.candor.event.Event;
import dev.candor.event.EventSink;
import dev.candor.config.DnsConfig;
import dev.candor.upstream.DnsAnswer;
import dev.candor.upstream.DnsFailure;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.Upstream;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * Keeps every DNS name of every upstream fresh: each name is looked up again when its answer's TTL runs
 * out, but at least every {@code dns.refresh} and at most once a second. A failed lookup is retried after
 * 1 s, then 2 s, up to 5 s (never later than {@code dns.refresh}); meanwhile the last good answer serves,
 * stale once its TTL has run out, for at most {@code dns.stale_for}. Every change is applied to the
 * upstream, which tells its pools and health checks.
 */
public final class DnsRefresher implements AutoCloseable {
    private final EventSink events;
    private static final Logger log = LoggerFactory.getLogger("candor.dns");
    /** A TTL below this (including 0) is treated as this, so a short TTL cannot turn into a query loop. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** The longest wait before asking again after a failure. */
    static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final DnsResolver resolver;
    private final Duration staleFor;
    private final Clock clock;
    private final List<Watch> watches = new ArrayList<>();
    private final LongAdder lookups = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder staleAnswers = new LongAdder();
    private final LongAdder changes = new LongAdder();
    private volatile boolean closed;

    /** One name being followed. */
    private static final class Watch {
        final Upstream upstream;
        final DnsSource source;
        final Duration refresh;
        int failuresInRow;
        volatile ScheduledFuture<?> timer;

        Watch(Upstream upstream, DnsSource source) {
            this.upstream = upstream;
            this.source = source;
            this.refresh = upstream.config().dns().refresh();
        }
    }

    public DnsRefresher(DnsResolver resolver, DnsConfig config, Clock clock) {
        this(resolver, config, clock, EventSink.NONE);
    }

    /** The same, telling {@code events} about each changed answer (old and new addresses). */
    public DnsRefresher(DnsResolver resolver, DnsConfig config, Clock clock, EventSink events) {
        this.events = requireNonNull(events, "events");
        this.resolver = requireNonNull(resolver, "resolver");
        this.staleFor = requireNonNull(config, "config").staleFor();
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Starts following the names of these upstreams (the first lookups start now).
     *
     * @return completes when every name has a first outcome, answer or failure
     */
    public CompletableFuture<Void> follow(Iterable<Upstream> upstreams) {
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (Upstream u : upstreams) {
            for (DnsSource s : u.dnsSources()) {
                Watch w = new Watch(u, s);
                synchronized (watches) {
                    watches.add(w);
                }
                settled.add(s.settled());
                resolver.loop().execute(() -> lookup(w));
            }
        }
        return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
    }

    /** Stops following the names of an upstream that is no longer in use. */
    public void forget(Upstream upstream) {
        synchronized (watches) {
            watches.removeIf(w -> {
                if (w.upstream != upstream) {
                    return false;
                }
                ScheduledFuture<?> t = w.timer;
                if (t != null) {
                    t.cancel(false);
                }
                return true;
            });
        }
    }

    private boolean watching(Watch w) {
        synchronized (watches) {
            return !closed && watches.contains(w);
        }
    }

    private void lookup(Watch w) {
        if (!watching(w)) {
            return;
        }
        lookups.increment();
        resolver.resolve(w.source).addListener(f -> {
            if (!watching(w)) {
                return;
            }
            long next;
            if (f.isSuccess()) {
                next = answered(w, (DnsAnswer) f.getNow());
            } else {
                DnsFailure failure = f.cause() instanceof DnsResolver.LookupFailed lf ? lf.failure()
                        : new DnsFailure(w.source.name(), false, null, null,
                                "the lookup of " + w.source.name() + " failed: " + f.cause(), clock.instant());
                next = failed(w, failure);
            }
            w.source.settle();
            w.timer = resolver.loop().schedule(() -> lookup(w), next, TimeUnit.NANOSECONDS);
        });
    }

    /** Applies an answer; returns the nanoseconds until the next lookup. */
    private long answered(Watch w, DnsAnswer a) {
        DnsSource s = w.source;
        boolean recovering = s.failure() != null;
        boolean wasStale = s.isStale();
        boolean first = s.answer() == null;
        String before = first ? null : String.valueOf(s.answer().addresses(s.kind() == DnsSource.Kind.SRV));
        boolean changed = s.answered(a);
        w.failuresInRow = 0;
        if (changed) {
            changes.increment();
            if (first) {
                log.info("upstream {}: {} resolved to {} (TTL {} s, {})", w.upstream.name(), s.describe(),
                        a.addresses(s.kind() == DnsSource.Kind.SRV), a.ttlSeconds(), a.resolver());
            } else {
                log.warn("upstream {}: {} now resolves to {} (TTL {} s, {}); new requests go there, requests in "
                                + "flight on removed addresses finish", w.upstream.name(), s.describe(),
                        a.addresses(s.kind() == DnsSource.Kind.SRV), a.ttlSeconds(), a.resolver());
            }
            w.upstream.refreshMembers();
            changedEvent(w, before, a);
        } else if (recovering) {
            log.warn("upstream {}: {} resolves again{} (TTL {} s, {})", w.upstream.name(), s.describe(),
                    wasStale ? "; the stale answer is replaced" : "", a.ttlSeconds(), a.resolver());
        }
        return interval(Duration.ofSeconds(a.ttlSeconds()), w.refresh).toNanos();
    }

    private void changedEvent(Watch w, String before, DnsAnswer a) {
        String after = String.valueOf(a.addresses(w.source.kind() == DnsSource.Kind.SRV));
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("upstream", w.upstream.name());
        facts.put("name", w.source.name());
        facts.put("before", before);
        facts.put("after", after);
        facts.put("ttl_seconds", Long.toString(a.ttlSeconds()));
        facts.put("resolver", String.valueOf(a.resolver()));
        events.record(new Event(clock.instant(), Event.DNS, w.upstream.name() + "/" + w.source.name(),
                before == null ? w.source.describe() + " of upstream " + w.upstream.name() + " resolved to " + after
                        : w.source.describe() + " of upstream " + w.upstream.name() + " changed from " + before
                        + " to " + after, facts));
    }

    /** Applies a failure; returns the nanoseconds until the next try. */
    private long failed(Watch w, DnsFailure failure) {
        DnsSource s = w.source;
        failures.increment();
        w.failuresInRow++;
        boolean wasStale = s.isStale();
        boolean hadTargets = !s.targets().isEmpty();
        Instant now = clock.instant();
        boolean dropped = s.failed(failure, now, staleFor);
        if (s.isStale()) {
            staleAnswers.increment();
        }
        if (dropped) {
            changes.increment();
            log.warn("upstream {}: {} lookups keep failing ({}); the last good answer, resolved at {}, is older than "
                            + "its TTL plus dns.stale_for ({}) and is dropped: requests fail with {}",
                    w.upstream.name(), s.describe(), failure.detail(), s.answer().resolvedAt(), staleFor,
                    failure.errorType().token());
            w.upstream.refreshMembers();
        } else if (s.isStale() && !wasStale) {
            log.warn("upstream {}: {} lookup failed ({}); serving the last good answer {} past its TTL, for up to "
                            + "dns.stale_for ({})", w.upstream.name(), s.describe(), failure.detail(),
                    s.answer().addresses(s.kind() == DnsSource.Kind.SRV), staleFor);
        } else if (w.failuresInRow == 1) {
            log.warn("upstream {}: {} lookup failed: {}{}", w.upstream.name(), s.describe(), failure.detail(),
                    hadTargets ? "; the current answer is still within its TTL" : "");
        } else {
            log.debug("upstream {}: {} lookup failed again ({} in a row): {}", w.upstream.name(), s.describe(),
                    w.failuresInRow, failure.detail());
        }
        Duration backoff = MIN_INTERVAL.multipliedBy(1L << Math.min(w.failuresInRow - 1, 10));
        Duration cap = w.refresh.isZero() || w.refresh.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : w.refresh;
        return max(MIN_INTERVAL, min(backoff, cap)).toNanos();
    }

    /** The TTL, capped by {@code refresh} (unless zero), and never below a second. */
    static Duration interval(Duration ttl, Duration refresh) {
        Duration d = refresh.isZero() ? ttl : min(ttl, refresh);
        return max(d, MIN_INTERVAL);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Lookups started. */
    public long lookups() {
        return lookups.sum();
    }

    /** Lookups that found no answer. */
    public long failures() {
        return failures.sum();
    }

    /** Failed lookups after which a stale answer kept serving. */
    public long staleAnswers() {
        return staleAnswers.sum();
    }

    /** Changes of some name's set of addresses (first answers included). */
    public long changes() {
        return changes.sum();
    }

    @Override
    public void close() {
        synchronized (watches) {
            closed = true;
            for (Watch w : watches) {
                ScheduledFuture<?> t = w.timer;
                if (t != null) {
                    t.cancel(false);
                }
            }
            watches.clear();
        }
    }
}
