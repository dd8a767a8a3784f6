package dev.candor.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * One DNS name an upstream follows — a configured endpoint's host name, or the upstream's SRV record —
 * with its last good answer, its latest failure, and the addresses that left it. The refresher writes;
 * requests and the admin API read.
 *
 * <p>An answer is used until its TTL runs out. When a refresh fails before then, nothing changes. After
 * that, the last good answer is kept as <em>stale</em> for {@code dns.stale_for}; then its targets are
 * dropped and requests fail with the resolver's error.
 */
public final class DnsSource {
    /** How many departed addresses are remembered per name, for "this IP left DNS 9 minutes ago". */
    private static final int DEPARTED_KEPT = 64;

    /** What is looked up. */
    public enum Kind {
        /** A and AAAA records of a configured endpoint's host name. */
        ADDRESS,
        /** An SRV record, then the A and AAAA records of each target. */
        SRV
    }

    private final Kind kind;
    private final String name;
    private final int port;
    private final int weight;
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final Map<InetSocketAddress, Instant> departed = new LinkedHashMap<>();
    private volatile DnsAnswer answer;
    private volatile DnsFailure failure;
    private volatile List<DnsTarget> inUse = List.of();
    private volatile boolean stale;
    private volatile Instant failingSince;

    private DnsSource(Kind kind, String name, int port, int weight) {
        this.kind = requireNonNull(kind, "kind");
        this.name = requireNonNull(name, "name");
        this.port = port;
        this.weight = weight;
    }

    /** The A and AAAA records of {@code name}; each address becomes an endpoint on {@code port}. */
    public static DnsSource address(String name, int port, int weight) {
        return new DnsSource(Kind.ADDRESS, name, port, weight);
    }

    /** An SRV record whose targets (with their ports, priorities and weights) become endpoints. */
    public static DnsSource srv(String name) {
        return new DnsSource(Kind.SRV, name, 0, 1);
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The configured port (ADDRESS only). */
    public int port() {
        return port;
    }

    /** The configured weight (ADDRESS only). */
    public int weight() {
        return weight;
    }

    /** The last good answer, or null before the first. */
    public DnsAnswer answer() {
        return answer;
    }

    /** The latest failed lookup since the last good answer, or null. */
    public DnsFailure failure() {
        return failure;
    }

    /** When lookups started failing (the first failure after the last good answer), or null. */
    public Instant failingSince() {
        return failingSince;
    }

    /** True while the answer in use is past its TTL because the resolvers fail. */
    public boolean isStale() {
        return stale;
    }

    /** The targets requests may use now. */
    public List<DnsTarget> targets() {
        return inUse;
    }

    /** Completes when the first lookup's outcome has been applied to the upstream. */
    public CompletableFuture<Void> settled() {
        return settled;
    }

    /** Called once the outcome of a lookup is applied (the upstream's members reflect it). */
    public void settle() {
        settled.complete(null);
    }

    /** When the address left this name's answer, or null when it is in it or was never seen. */
    public synchronized Instant departedAt(InetSocketAddress address) {
        return departed.get(address);
    }

    /** Whether the current answer names the address. */
    public boolean inAnswer(InetSocketAddress address) {
        for (DnsTarget t : inUse) {
            if (t.socketAddress().equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Takes a new answer; returns whether the set of targets changed. */
    public synchronized boolean answered(DnsAnswer a) {
        requireNonNull(a, "answer");
        List<DnsTarget> before = inUse;
        Set<InetSocketAddress> now = new HashSet<>();
        for (DnsTarget t : a.targets()) {
            now.add(t.socketAddress());
            departed.remove(t.socketAddress());
        }
        for (DnsTarget t : before) {
            if (!now.contains(t.socketAddress())) {
                remember(t.socketAddress(), a.resolvedAt());
            }
        }
        answer = a;
        failure = null;
        failingSince = null;
        stale = false;
        inUse = a.targets();
        return !sameTargets(before, a.targets());
    }

    /**
     * Takes a failed lookup at {@code now}; returns whether the targets changed (they are dropped once
     * the last good answer is older than its TTL plus {@code staleFor}).
     */
    public synchronized boolean failed(DnsFailure f, Instant now, Duration staleFor) {
        requireNonNull(f, "failure");
        if (failure == null) {
            failingSince = f.at();
        }
        failure = f;
        DnsAnswer a = answer;
        if (a == null || inUse.isEmpty()) {
            return false;
        }
        Instant expired = a.expiresAt();
        if (now.isBefore(expired)) {
            return false;
        }
        if (now.isBefore(expired.plus(staleFor))) {
            stale = true;
            return false;
        }
        for (DnsTarget t : inUse) {
            remember(t.socketAddress(), now);
        }
        inUse = List.of();
        stale = false;
        return true;
    }

    private void remember(InetSocketAddress address, Instant at) {
        departed.put(address, at);
        if (departed.size() > DEPARTED_KEPT) {
            Iterator<InetSocketAddress> oldest = departed.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private static boolean sameTargets(List<DnsTarget> a, List<DnsTarget> b) {
        if (a.size() != b.size()) {
            return false;
        }
        return new HashSet<>(a).equals(new HashSet<>(b));
    }

    /** {@code api.internal:8080} or {@code SRV _http._tcp.api.consul}. */
    public String describe() {
        return kind == Kind.SRV ? "SRV " + name : name + ":" + port;
    }

    @Override
    public String toString() {
        List<String> addresses = new ArrayList<>();
        for (DnsTarget t : inUse) {
            addresses.add(Endpoint.ipPort(t.socketAddress()));
        }
        return describe() + " -> " + addresses;
    }
}
