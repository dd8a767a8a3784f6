package dev.candor.upstream;

import java.util.concurrent.CompletableFuture;
import dev.candor.balance.Balancer;
import dev.candor.balance.Balancers;
import dev.candor.balance.Selection;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * A named pool of endpoints with its balancer, passive health (outlier detection), retry budget and
 * pending-request count. Endpoints given by IP address are fixed; those behind a DNS name (or an SRV
 * record) follow the name's answers: each change publishes a new set of members, which requests read
 * with one volatile load, and tells the pools and health checks what was added and removed.
 */
public final class Upstream {
    private final UpstreamConfig config;
    private final List<Endpoint> fixed;
    private final List<DnsSource> sources;
    private final OutlierDetector outliers;
    private final RetryBudget retryBudget;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final Clock wallClock;
    private final AtomicInteger pending = new AtomicInteger();
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Members members;

    /** Told when DNS changes which endpoints an upstream has. */
    public interface MembershipListener {
        /** Runs on the thread that applied the DNS answer; {@code removed} are already retired. */
        void changed(Upstream upstream, List<Endpoint> added, List<Endpoint> removed);
    }

    /** The endpoints in use, grouped into SRV priority tiers (one tier unless SRV says otherwise). */
    private record Members(List<Endpoint> all, List<Balancer<Endpoint>> tiers) {
    }

    private Upstream(UpstreamConfig config, List<Endpoint> fixed, List<DnsSource> sources, RandomGenerator random,
                     LongSupplier nanoClock, Clock wallClock) {
        this.config = config;
        this.fixed = fixed;
        this.sources = sources;
        this.random = random;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        List<EndpointHealth> healths = new ArrayList<>();
        fixed.forEach(e -> healths.add(e.health()));
        this.outliers = new OutlierDetector(config.outlierDetection(), healths, nanoClock);
        this.retryBudget = new RetryBudget(config.retries().budgetPercent(), nanoClock);
        this.members = members(fixed);
    }

    public static Upstream of(UpstreamConfig config, RandomGenerator random, LongSupplier nanoClock, Clock wallClock) {
        requireNonNull(config, "config");
        List<Endpoint> fixed = new ArrayList<>();
        List<DnsSource> sources = new ArrayList<>();
        for (EndpointConfig e : config.endpoints()) {
            if (e.address().isIpLiteral()) {
                fixed.add(new Endpoint(config.name(), e.address(), e.weight(),
                        new EndpointHealth(config.healthCheck(), nanoClock, wallClock)));
            } else {
                sources.add(DnsSource.address(e.address().host(), e.address().port(), e.weight()));
            }
        }
        if (config.dns().srv() != null) {
            sources.add(DnsSource.srv(config.dns().srv()));
        }
        return new Upstream(config, List.copyOf(fixed), List.copyOf(sources), random, nanoClock, wallClock);
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    /** The endpoints in use now (a snapshot: DNS changes publish a new list). */
    public List<Endpoint> endpoints() {
        return members.all;
    }

    /** The DNS names this upstream follows (empty when every endpoint is an IP address). */
    public List<DnsSource> dnsSources() {
        return sources;
    }

    public OutlierDetector outliers() {
        return outliers;
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }

    /** Requests of this upstream waiting for a connection right now. */
    public AtomicInteger pending() {
        return pending;
    }

    public void addListener(MembershipListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    /**
     * Rebuilds the members from the DNS sources' current targets. Endpoints whose address (and weight
     * and priority) stayed keep their identity, pools and health; removed ones are retired.
     *
     * @return whether the members changed
     */
    public boolean refreshMembers() {
        List<Endpoint> added = new ArrayList<>();
        List<Endpoint> removed;
        synchronized (this) {
            List<Endpoint> old = members.all;
            List<Endpoint> next = new ArrayList<>(fixed);
            for (DnsSource s : sources) {
                for (DnsTarget t : s.targets()) {
                    Endpoint e = find(old, s, t);
                    if (e == null) {
                        e = new Endpoint(config.name(), new HostPort(t.host(), t.port()), t.socketAddress(), t.weight(),
                                t.priority(), s, healthOf(old, s, t));
                        added.add(e);
                    }
                    next.add(e);
                }
            }
            Set<Endpoint> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            kept.addAll(next);
            removed = new ArrayList<>();
            for (Endpoint e : old) {
                if (!kept.contains(e)) {
                    removed.add(e);
                }
            }
            if (added.isEmpty() && removed.isEmpty()) {
                return false;
            }
            removed.forEach(Endpoint::retire);
            List<EndpointHealth> healths = new ArrayList<>(next.size());
            next.forEach(e -> healths.add(e.health()));
            outliers.endpoints(healths);
            members = members(List.copyOf(next));
        }
        for (MembershipListener l : listeners) {
            l.changed(this, added, removed);
        }
        return true;
    }

    private static Endpoint find(List<Endpoint> in, DnsSource source, DnsTarget t) {
        for (Endpoint e : in) {
            if (e.source() == source && e.socketAddress().equals(t.socketAddress()) && e.weight() == t.weight()
                    && e.priority() == t.priority()) {
                return e;
            }
        }
        return null;
    }

    /** A changed weight or priority makes a new endpoint, but its address keeps its health record. */
    private EndpointHealth healthOf(List<Endpoint> in, DnsSource source, DnsTarget t) {
        for (Endpoint e : in) {
            if (e.source() == source && e.socketAddress().equals(t.socketAddress())) {
                return e.health();
            }
        }
        return new EndpointHealth(config.healthCheck(), nanoClock, wallClock);
    }

    private Members members(List<Endpoint> all) {
        TreeMap<Integer, List<Endpoint>> byPriority = new TreeMap<>();
        for (Endpoint e : all) {
            byPriority.computeIfAbsent(e.priority(), p -> new ArrayList<>()).add(e);
        }
        List<Balancer<Endpoint>> tiers = new ArrayList<>(byPriority.size());
        for (List<Endpoint> tier : byPriority.values()) {
            tiers.add(Balancers.create(config.balancer(), tier, Endpoint::weight, Endpoint::label, random));
        }
        return new Members(all, List.copyOf(tiers));
    }

    /** The endpoint for the next request with no particulars; null when the upstream has none usable. */
    public Endpoint pick() {
        return select(List.of(), null);
    }

    /**
     * The endpoint for an attempt: a usable one not yet tried by this request, from the most preferred
     * SRV priority tier that has one; when the upstream has no usable endpoint at all, with
     * {@code when_all_unhealthy: panic}, any untried endpoint that is not draining (health is ignored:
     * better some traffic than none); else null.
     *
     * @param tried endpoints this request already tried; they are never chosen again (a retry goes to
     *              another endpoint or does not happen, as with nginx's proxy_next_upstream)
     * @param hashKey the request's key for the hash balancers, or null
     */
    public Endpoint select(List<Endpoint> tried, CharSequence hashKey) {
        Members m = members;
        Endpoint e = pick(m, new Choice(tried, hashKey, Choice.HEALTHY));
        if (e == null && config.whenAllUnhealthy() == UpstreamConfig.AllUnhealthy.PANIC && noneUsable(m)) {
            e = pick(m, new Choice(tried, hashKey, Choice.NOT_DRAINING));
        }
        return e;
    }

    private static Endpoint pick(Members m, Choice choice) {
        List<Balancer<Endpoint>> tiers = m.tiers;
        for (int i = 0; i < tiers.size(); i++) {
            Endpoint e = tiers.get(i).pick(choice);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Panic routing is for an upstream with no usable endpoint at all, not for one whose usable ones were tried. */
    private static boolean noneUsable(Members m) {
        for (Endpoint e : m.all) {
            if (e.health().usable()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why the upstream has no endpoint at all when that is DNS's doing: the failure of the first name
     * that has no answer to use (or a timeout for one whose first lookup has not finished). Null while
     * the upstream has endpoints, or when it has no DNS names.
     */
    public DnsFailure dnsFailure() {
        if (!members.all.isEmpty()) {
            return null;
        }
        for (DnsSource s : sources) {
            if (s.failure() != null) {
                return s.failure();
            }
        }
        for (DnsSource s : sources) {
            if (!s.settled().isDone()) {
                return new DnsFailure(s.name(), true, null, null,
                        s.describe() + ": the first lookup has not finished yet", wallClock.instant());
            }
        }
        return null;
    }

    /**
     * Completes when every name of this upstream has had its first lookup, while the upstream has no
     * endpoint yet because some have not; null otherwise (nothing to wait for). A request that finds no
     * endpoint waits on it rather than failing with a timeout that did not happen.
     */
    public CompletableFuture<Void> firstLookupsPending() {
        if (!members.all.isEmpty()) {
            return null;
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (DnsSource s : sources) {
            if (!s.settled().isDone()) {
                pending.add(s.settled());
            }
        }
        return pending.isEmpty() ? null : CompletableFuture.anyOf(pending.toArray(CompletableFuture[]::new)).thenApply(x -> null);
    }

    /** The first name of this upstream whose first lookup has not finished, or null. */
    public String firstLookupPendingName() {
        for (DnsSource s : sources) {
            if (!s.settled().isDone()) {
                return s.name();
            }
        }
        return null;
    }

    /** Why no endpoint can take a request: each endpoint with its state and reason. */
    public String unavailableReasons() {
        List<Endpoint> all = members.all;
        if (all.isEmpty()) {
            if (sources.isEmpty()) {
                return "upstream '" + name() + "' has no endpoints";
            }
            StringBuilder b = new StringBuilder("upstream '" + name() + "' has no endpoints: ");
            for (int i = 0; i < sources.size(); i++) {
                DnsSource s = sources.get(i);
                b.append(i == 0 ? "" : "; ").append(s.describe())
                        .append(s.failure() != null ? " " + s.failure().detail() : " resolved to no address");
            }
            return b.toString();
        }
        StringBuilder b = new StringBuilder();
        for (Endpoint e : all) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(e.label()).append(' ').append(e.health().why());
        }
        return b.toString();
    }

    /** One pick's view of the endpoints. */
    private record Choice(List<Endpoint> tried, CharSequence hashKey, int mode) implements Selection<Endpoint> {
        static final int HEALTHY = 0;
        static final int NOT_DRAINING = 1;

        @Override
        public boolean usable(Endpoint e) {
            if (!tried.isEmpty() && tried.contains(e)) {
                return false;
            }
            return mode == HEALTHY ? e.health().usable() : !e.health().isDraining();
        }

        @Override
        public int inFlight(Endpoint e) {
            return e.health().inFlight();
        }
    }
}
