package dev.candor.client;

import dev.candor.config.DnsConfig;
import dev.candor.config.HostPort;
import dev.candor.upstream.DnsAnswer;
import dev.candor.upstream.DnsFailure;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.DnsTarget;
import dev.candor.upstream.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsQueryLifecycleObserver;
import io.netty.resolver.dns.DnsQueryLifecycleObserverFactory;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import io.netty.util.concurrent.PromiseNotifier;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;

/**
 * Looks up endpoint names without blocking: Netty's DNS resolver on one event loop, {@code /etc/hosts}
 * first (read again when it changes), then the configured name servers (or those of {@code /etc/resolv.conf}). No cache of its own:
 * the caller asks again when an answer's TTL runs out. A failed lookup becomes a {@link DnsFailure} with
 * the response code and the name server that gave it, learned by watching each query.
 */
public final class DnsResolver implements AutoCloseable {
    /** One for the process: read again when the file changes. */
    private static final HostsFile HOSTS = HostsFile.system();
    /** The hosts file has no TTLs; its answers are as long-lived as DNS allows (capped by dns.refresh). */
    private static final long HOSTS_TTL_SECONDS = 86_400;
    private final DnsNameResolver resolver;
    private final EventLoop loop;
    private final Clock clock;
    private final long timeoutMillis;
    /** What the queries for a name and type met last: filled in by the query observers. */
    private final Map<String, List<QueryLog>> logs = new ConcurrentHashMap<>();

    /** What the queries of one lookup ran into. */
    private static final class QueryLog {
        volatile InetSocketAddress server;
        volatile DnsResponseCode rcode;
        volatile boolean timedOut;
    }

    public DnsResolver(DnsConfig config, EventLoop loop, Transport transport, Clock clock) {
        requireNonNull(config, "config");
        this.loop = requireNonNull(loop, "loop");
        this.clock = requireNonNull(clock, "clock");
        this.timeoutMillis = config.timeout().toMillis();
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.socketChannel())
                .queryTimeoutMillis(timeoutMillis)
                // TTLs are followed by the refresher, which asks again; a cache here would hide changes.
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .hostsFileEntriesResolver(HOSTS)
                .recursionDesired(true)
                .dnsQueryLifecycleObserverFactory(new Observers());
        if (config.resolvers().isEmpty()) {
            builder.nameServerProvider(DnsServerAddressStreamProviders.platformDefault());
        } else {
            List<InetSocketAddress> servers = new ArrayList<>();
            for (HostPort r : config.resolvers()) {
                servers.add(new InetSocketAddress(r.host(), r.port()));
            }
            builder.nameServerProvider(new SequentialDnsServerAddressStreamProvider(servers));
        }
        this.resolver = builder.build();
    }

    /** The event loop the lookups run on. */
    public EventLoop loop() {
        return loop;
    }

    /** Looks up what the source names; the future fails with a {@link LookupFailed}. */
    public Future<DnsAnswer> resolve(DnsSource source) {
        return source.kind() == DnsSource.Kind.SRV
                ? resolveSrv(source.name())
                : resolveAddresses(source.name(), source.port(), source.weight(), 0);
    }

    /** A and AAAA records of {@code name}, each address with {@code port}, {@code weight} and {@code priority}. */
    public Future<DnsAnswer> resolveAddresses(String name, int port, int weight, int priority) {
        Promise<DnsAnswer> result = loop.newPromise();
        if (!loop.inEventLoop()) {
            loop.execute(() -> PromiseNotifier.cascade(resolveAddresses(name, port, weight, priority), result));
            return result;
        }
        // As the C library does: a name the hosts file knows is not asked of DNS, for either family.
        List<InetAddress> listed = HOSTS.addresses(name, ResolvedAddressTypes.IPV4_PREFERRED);
        if (listed != null && !listed.isEmpty()) {
            List<DnsTarget> targets = new ArrayList<>();
            for (InetAddress ip : listed) {
                targets.add(new DnsTarget(name, ip, port, weight, priority));
            }
            return result.setSuccess(new DnsAnswer(name, targets, clock.instant(), HOSTS_TTL_SECONDS,
                    DnsAnswer.HOSTS_FILE));
        }
        QueryLog log4 = new QueryLog();
        QueryLog log6 = new QueryLog();
        watch(key(name, DnsRecordType.A), log4);
        watch(key(name, DnsRecordType.AAAA), log6);
        Future<List<DnsRecord>> v4 = resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.A));
        Future<List<DnsRecord>> v6 = resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.AAAA));
        PromiseCombiner both = new PromiseCombiner(loop);
        both.addAll(v4, v6);
        Promise<Void> done = loop.newPromise();
        both.finish(done);
        done.addListener(ignored -> {
            unwatch(key(name, DnsRecordType.A), log4);
            unwatch(key(name, DnsRecordType.AAAA), log6);
            List<DnsTarget> targets = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            Set<String> from = new LinkedHashSet<>();
            for (Future<List<DnsRecord>> f : List.of(v4, v6)) {
                if (!f.isSuccess()) {
                    continue;
                }
                for (DnsRecord r : f.getNow()) {
                    InetAddress ip = address(name, r);
                    if (ip != null) {
                        targets.add(new DnsTarget(name, ip, port, weight, priority));
                        ttl = Math.min(ttl, r.timeToLive());
                        from.add(resolverLabel(f == v4 ? log4 : log6));
                    }
                    ReferenceCountUtil.release(r);
                }
            }
            if (!targets.isEmpty()) {
                result.setSuccess(new DnsAnswer(name, targets, clock.instant(), ttl, String.join(", ", from)));
            } else {
                result.setFailure(new LookupFailed(failure(name, "A or AAAA", List.of(log4, log6), v4.cause(), v6.cause())));
            }
        });
        return result;
    }

    /** The SRV record, then the addresses of each target; a target that does not resolve is left out. */
    public Future<DnsAnswer> resolveSrv(String name) {
        Promise<DnsAnswer> result = loop.newPromise();
        if (!loop.inEventLoop()) {
            loop.execute(() -> PromiseNotifier.cascade(resolveSrv(name), result));
            return result;
        }
        QueryLog log = new QueryLog();
        watch(key(name, DnsRecordType.SRV), log);
        resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.SRV)).addListener(f -> {
            unwatch(key(name, DnsRecordType.SRV), log);
            if (!f.isSuccess()) {
                result.setFailure(new LookupFailed(failure(name, "SRV", List.of(log), f.cause(), null)));
                return;
            }
            @SuppressWarnings("unchecked")
            List<DnsRecord> records = (List<DnsRecord>) f.getNow();
            List<SrvRecord> srv = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            for (DnsRecord r : records) {
                SrvRecord s = srv(r);
                if (s != null) {
                    srv.add(s);
                    ttl = Math.min(ttl, r.timeToLive());
                }
                ReferenceCountUtil.release(r);
            }
            if (srv.isEmpty()) {
                result.setFailure(new LookupFailed(new DnsFailure(name, false, "NOERROR", resolverLabel(log),
                        name + " has no usable SRV record (NOERROR, empty answer from " + resolverLabel(log) + ")",
                        clock.instant())));
                return;
            }
            resolveTargets(name, balancerWeights(srv), ttl, resolverLabel(log), result);
        });
        return result;
    }

    private void resolveTargets(String name, List<SrvRecord> srv, long srvTtl, String resolverLabel,
                                Promise<DnsAnswer> result) {
        List<Future<DnsAnswer>> lookups = new ArrayList<>(srv.size());
        for (SrvRecord s : srv) {
            lookups.add(resolveAddresses(s.target, s.port, s.weight, s.priority));
        }
        PromiseCombiner all = new PromiseCombiner(loop);
        lookups.forEach(all::add);
        Promise<Void> done = loop.newPromise();
        all.finish(done);
        done.addListener(ignored -> {
            List<DnsTarget> targets = new ArrayList<>();
            long ttl = srvTtl;
            DnsFailure firstFailure = null;
            for (Future<DnsAnswer> f : lookups) {
                if (f.isSuccess()) {
                    targets.addAll(f.getNow().targets());
                    ttl = Math.min(ttl, f.getNow().ttlSeconds());
                } else if (firstFailure == null && f.cause() instanceof LookupFailed failed) {
                    firstFailure = failed.failure();
                }
            }
            if (!targets.isEmpty()) {
                result.setSuccess(new DnsAnswer(name, targets, clock.instant(), ttl, resolverLabel));
            } else {
                DnsFailure f = requireNonNull(firstFailure, "a failed lookup");
                result.setFailure(new LookupFailed(new DnsFailure(name, f.timeout(), f.rcode(), f.resolver(),
                        "no target of SRV " + name + " resolves: " + f.detail(), f.at())));
            }
        });
    }

    /** One SRV record's data. */
    private record SrvRecord(int priority, int weight, int port, String target) {
    }

    private static SrvRecord srv(DnsRecord r) {
        if (r.type() != DnsRecordType.SRV || !(r instanceof DnsRawRecord raw)) {
            return null;
        }
        ByteBuf content = raw.content().duplicate();
        if (content.readableBytes() < 7) {
            return null;
        }
        int priority = content.readUnsignedShort();
        int weight = content.readUnsignedShort();
        int port = content.readUnsignedShort();
        String target = DefaultDnsRecordDecoder.decodeName(content);
        target = target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
        // RFC 2782: a target of "." means the service is decidedly not available at this domain.
        if (target.isEmpty() || port == 0) {
            return null;
        }
        return new SrvRecord(priority, weight, port, target);
    }

    /**
     * SRV weights as balancer weights, which must be at least 1. RFC 2782 gives a weight of 0 a very
     * small chance when others in its priority have weight: there it becomes 1 and the others are scaled
     * by 100; a priority whose weights are all 0 is balanced evenly.
     */
    static List<SrvRecord> balancerWeights(List<SrvRecord> records) {
        Map<Integer, List<SrvRecord>> tiers = new TreeMap<>();
        for (SrvRecord r : records) {
            tiers.computeIfAbsent(r.priority, p -> new ArrayList<>()).add(r);
        }
        List<SrvRecord> out = new ArrayList<>(records.size());
        for (List<SrvRecord> tier : tiers.values()) {
            boolean anyZero = tier.stream().anyMatch(r -> r.weight == 0);
            boolean anyWeighted = tier.stream().anyMatch(r -> r.weight > 0);
            for (SrvRecord r : tier) {
                int w = r.weight == 0 ? 1 : anyZero && anyWeighted ? r.weight * 100 : r.weight;
                out.add(new SrvRecord(r.priority, w, r.port, r.target));
            }
        }
        return out;
    }

    private static InetAddress address(String name, DnsRecord r) {
        if (!(r instanceof DnsRawRecord raw)) {
            return null;
        }
        int expected = r.type() == DnsRecordType.A ? 4 : r.type() == DnsRecordType.AAAA ? 16 : -1;
        ByteBuf content = raw.content();
        if (content.readableBytes() != expected) {
            return null;
        }
        byte[] bytes = new byte[expected];
        content.getBytes(content.readerIndex(), bytes);
        try {
            return InetAddress.getByAddress(name, bytes);
        } catch (UnknownHostException impossible) {
            return null; // only thrown for a wrong length, checked above
        }
    }

    /**
     * Why a lookup found nothing. A response code beats a timeout (one family may time out while the
     * other got an answer that says more); an empty answer with no error is NOERROR (the name exists
     * without records of that type).
     */
    private DnsFailure failure(String name, String types, List<QueryLog> queryLogs, Throwable first,
                               Throwable second) {
        Instant now = clock.instant();
        String rcode = null;
        boolean timedOut = false;
        InetSocketAddress server = null;
        DnsResponseCode logged = null;
        for (QueryLog log : queryLogs) {
            timedOut |= log.timedOut;
            server = server == null ? log.server : server;
            logged = logged == null ? log.rcode : logged;
        }
        for (Throwable t : new Throwable[] {first, second}) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof DnsErrorCauseException e && rcode == null) {
                    rcode = rcodeName(e.getCode());
                } else if (c instanceof DnsNameResolverTimeoutException e) {
                    timedOut = true;
                    server = server == null ? e.remoteAddress() : server;
                }
            }
        }
        if (rcode == null && logged != null) {
            rcode = rcodeName(logged);
        }
        String from = server == null ? "the resolver" : Endpoint.ipPort(server);
        String resolverText = server == null ? null : from;
        if (rcode != null && !rcode.equals("NOERROR")) {
            String what = switch (rcode) {
                case "NXDOMAIN" -> name + " does not exist";
                case "SERVFAIL" -> "the resolver could not get an answer for " + name;
                case "REFUSED" -> "the resolver refused to answer for " + name;
                default -> "the lookup of " + name + " failed";
            };
            return new DnsFailure(name, false, rcode, resolverText, what + " (" + rcode + " from " + from + ")", now);
        }
        if (timedOut) {
            return new DnsFailure(name, true, null, resolverText, "no answer for " + name + " from " + from
                    + " within " + timeoutMillis + " ms", now);
        }
        Throwable other = first != null ? first : second;
        if (other != null && !(other instanceof UnknownHostException)) {
            return new DnsFailure(name, false, null, resolverText, "the lookup of " + name + " failed: " + other, now);
        }
        return new DnsFailure(name, false, "NOERROR", resolverText,
                name + " has no " + types + " record (NOERROR, empty answer from " + from + ")", now);
    }

    /** The RCODE's name as RFC 1035 and 6895 spell it, e.g. {@code NXDOMAIN}. */
    static String rcodeName(DnsResponseCode code) {
        String name = code.toString();
        int paren = name.indexOf('(');
        name = (paren > 0 ? name.substring(0, paren) : name).toUpperCase(Locale.ROOT);
        return name.equals("UNKNOWN") ? "RCODE" + code.intValue() : name;
    }

    private static String resolverLabel(QueryLog log) {
        InetSocketAddress s = log.server;
        // No query was written: the hosts file answered.
        return s == null ? DnsAnswer.HOSTS_FILE : Endpoint.ipPort(s);
    }

    /** Two upstreams may look up the same name at once: each lookup has its own log, every one is fed. */
    private void watch(String key, QueryLog log) {
        logs.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(log);
    }

    private void unwatch(String key, QueryLog log) {
        logs.computeIfPresent(key, (k, list) -> {
            list.remove(log);
            return list.isEmpty() ? null : list;
        });
    }

    private static String key(String name, DnsRecordType type) {
        String n = name.toLowerCase(Locale.ROOT);
        return (n.endsWith(".") ? n.substring(0, n.length() - 1) : n) + " " + type.name();
    }

    @Override
    public void close() {
        resolver.close();
    }

    /** A lookup that found nothing; carries the classified failure. */
    public static final class LookupFailed extends Exception {
        private final transient DnsFailure failure;

        LookupFailed(DnsFailure failure) {
            super(failure.detail(), null, false, false);
            this.failure = failure;
        }

        public DnsFailure failure() {
            return failure;
        }
    }

    /** Feeds each query's server, response code and timeout into the log of the name it is for. */
    private final class Observers implements DnsQueryLifecycleObserverFactory {
        @Override
        public DnsQueryLifecycleObserver newDnsQueryLifecycleObserver(DnsQuestion question) {
            return new Observer(key(question.name(), question.type()));
        }
    }

    private final class Observer implements DnsQueryLifecycleObserver {
        private final String name;

        Observer(String name) {
            this.name = name;
        }

        private List<QueryLog> watching() {
            return logs.getOrDefault(name, List.of());
        }

        @Override
        public void queryWritten(InetSocketAddress dnsServerAddress, ChannelFuture future) {
            for (QueryLog log : watching()) {
                log.server = dnsServerAddress;
            }
        }

        @Override
        public void queryCancelled(int queriesRemaining) {
        }

        @Override
        public DnsQueryLifecycleObserver queryRedirected(List<InetSocketAddress> nameServers) {
            return this;
        }

        @Override
        public DnsQueryLifecycleObserver queryCNAMEd(DnsQuestion cnameQuestion) {
            // Still the lookup of the original name.
            return this;
        }

        @Override
        public DnsQueryLifecycleObserver queryNoAnswer(DnsResponseCode code) {
            if (code.intValue() != DnsResponseCode.NOERROR.intValue()) {
                for (QueryLog log : watching()) {
                    log.rcode = code;
                }
            }
            return this;
        }

        @Override
        public void queryFailed(Throwable cause) {
            if (cause instanceof DnsNameResolverTimeoutException) {
                for (QueryLog log : watching()) {
                    log.timedOut = true;
                }
            }
        }

        @Override
        public void querySucceed() {
        }
    }
}
