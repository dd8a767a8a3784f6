package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.client.DnsResolver;
import dev.candor.client.HealthProbe;
import dev.candor.client.Transport;
import dev.candor.client.UpstreamTlsContexts;
import dev.candor.config.CandorConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HealthCheckConfig;
import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;
import dev.candor.upstream.DnsAnswer;
import dev.candor.upstream.DnsTarget;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.ProbeRecord;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Runs the investigation: resolves and probes every endpoint (of the upstream {@code --url} routes to,
 * or of all), in parallel, then asks each section for its checks and closes with the plan.
 */
public final class Doctor {
    /** The longest the doctor itself waits for a response header, whatever timeouts.response says. */
    private static final long MAX_RESPONSE_WAIT_MILLIS = 15_000;
    private static final long MAX_CONNECT_WAIT_MILLIS = 5_000;

    private final DoctorOptions options;
    private final Terms terms;
    private final Clock clock;
    private final Transport transport = Transport.detect();
    /** TLS to the upstreams that have it, exactly as the proxy builds it; set when the run starts. */
    private UpstreamTlsContexts tls = UpstreamTlsContexts.NONE;

    public Doctor(DoctorOptions options, Clock clock) {
        this(options, Terms.CANDOR, clock);
    }

    /** A doctor whose advice names settings in {@code terms}: another proxy's, for {@code --from}. */
    public Doctor(DoctorOptions options, Terms terms, Clock clock) {
        this.options = requireNonNull(options, "options");
        this.terms = requireNonNull(terms, "terms");
        this.clock = requireNonNull(clock, "clock");
    }

    public Report run() {
        long start = System.nanoTime();
        CandorConfig config = options.config();
        MultiThreadIoEventLoopGroup group = transport.newEventLoopGroup(1, "candor-doctor");
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "candor-doctor-probe");
            t.setDaemon(true);
            return t;
        });
        try (DnsResolver resolver = new DnsResolver(config.dns(), group.next(), transport, clock)) {
            tls = UpstreamTlsContexts.of(config.upstreams().values(), clock);
            Targets targets = Targets.of(config, options.url());
            List<Resolution> resolutions = new ArrayList<>();
            for (UpstreamConfig u : targets.upstreams()) {
                resolutions.addAll(resolve(resolver, u));
            }
            List<Probed> probed = probeAll(resolutions, targets, group.next(), workers);
            AdminView admin = options.admin() == null ? null : AdminView.fetch(options.admin(), options.adminToken());

            List<Check> checks = new ArrayList<>(targets.checks());
            checks.addAll(BackendChecks.of(resolutions, probed, terms));
            checks.addAll(ConfigChecks.of(config, targets, resolutions, probed, admin, terms));
            checks.addAll(NetworkChecks.of(probed));
            checks.addAll(LogChecks.of(options, admin));
            checks.addAll(terms.balancerChecks(targets, admin));
            checks.addAll(WhatChanged.of(options, clock));
            if (options.url() != null) {
                DirectExchange direct = new DirectExchange(transport, tls);
                ProxySide proxySide = ProxySide.of(config, options.url(), transport, clock);
                checks.addAll(Targets.websocket(options.url())
                        ? new WebSocketBypass(direct, proxySide, group.next(), targets, options.url(), workers, clock).run()
                        : new Bypass(direct, proxySide, group.next(), config, targets, options.url(), workers, clock).run());
            }
            List<String> flush = targets.upstreams().stream().map(UpstreamConfig::name).toList();
            return new Report(subject(), checks, Plan.of(checks, flush, terms), System.nanoTime() - start, terms.notRun());
        } finally {
            workers.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private String subject() {
        StringBuilder b = new StringBuilder(String.valueOf(options.config().source()));
        if (options.url() != null) {
            b.append(", url ").append(options.url());
        }
        if (options.admin() != null) {
            b.append(", admin ").append(options.admin());
        }
        return b.toString();
    }

    /** Each configured endpoint's addresses, or the SRV record's targets, with the lookups' evidence. */
    private List<Resolution> resolve(DnsResolver resolver, UpstreamConfig u) {
        List<Resolution> out = new ArrayList<>();
        long waitMillis = options.config().dns().timeout().toMillis() * 3 + 2_000;
        if (u.dns().srv() != null) {
            long t0 = System.nanoTime();
            out.add(lookup(u, -1, u.dns().srv(), resolver.resolveSrv(u.dns().srv()), waitMillis, t0));
            return out;
        }
        List<EndpointConfig> endpoints = u.endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            HostPort hp = endpoints.get(i).address();
            if (hp.isIpLiteral()) {
                out.add(new Resolution(u, i, null, null, null,
                        List.of(new Resolution.Address(hp, new InetSocketAddress(literal(hp.host()), hp.port()))), 0));
            } else {
                long t0 = System.nanoTime();
                out.add(lookup(u, i, hp.host(), resolver.resolveAddresses(hp.host(), hp.port(), 1, 0), waitMillis, t0));
            }
        }
        return out;
    }

    private Resolution lookup(UpstreamConfig u, int index, String name, Future<DnsAnswer> f, long waitMillis,
                                     long t0) {
        f.awaitUninterruptibly(waitMillis, TimeUnit.MILLISECONDS);
        long took = System.nanoTime() - t0;
        if (f.isSuccess()) {
            List<Resolution.Address> addresses = new ArrayList<>();
            for (DnsTarget t : f.getNow().targets()) {
                addresses.add(new Resolution.Address(new HostPort(t.host(), t.port()), t.socketAddress()));
            }
            return new Resolution(u, index, name, f.getNow(), null, addresses, took);
        }
        if (f.cause() instanceof DnsResolver.LookupFailed failed) {
            return new Resolution(u, index, name, null, failed.failure(), List.of(), took);
        }
        return new Resolution(u, index, name, null, new dev.candor.upstream.DnsFailure(name, true, null, null,
                "no answer for " + name + " within " + waitMillis + " ms", clock.instant()), List.of(), took);
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip); // an IP literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + ip, e);
        }
    }

    private List<Probed> probeAll(List<Resolution> resolutions, Targets targets, EventLoop loop, ExecutorService workers) {
        List<CompletableFuture<Probed>> futures = new ArrayList<>();
        for (Resolution r : resolutions) {
            for (Resolution.Address a : r.addresses()) {
                futures.add(CompletableFuture.supplyAsync(() -> probe(r, a, targets, loop), workers));
            }
        }
        List<Probed> out = new ArrayList<>();
        futures.forEach(f -> out.add(f.join()));
        return out;
    }

    /** The user-space ping, then (if anything connected) the health-check request and the direct request. */
    private Probed probe(Resolution r, Resolution.Address a, Targets targets, EventLoop loop) {
        UpstreamConfig u = r.upstream();
        long connect = u.timeouts().connect().toMillis(); // 0: no connect timeout, so the doctor's own longest wait
        long connectMillis = connect == 0 ? MAX_CONNECT_WAIT_MILLIS : Math.min(MAX_CONNECT_WAIT_MILLIS, connect);
        ConnectSamples tcp = ConnectSamples.take(transport, loop, a.socket(), options.connects(), connectMillis);
        if (tcp.connected() == 0) {
            String nearby = tcp.mainFailure() == dev.candor.failure.ErrorType.CONNECTION_REFUSED
                    ? listeningNearby(r, a, loop, connectMillis) : null;
            return new Probed(u, r.index(), a.configured(), a.socket(), tcp, null, null, null, nearby, 0);
        }
        ProbeRecord health = null;
        HealthCheckConfig check = u.healthCheck();
        Endpoint endpoint = endpoint(u, a.configured(), a.socket(), clock);
        if (check != null) {
            Future<ProbeRecord> f = new HealthProbe(transport, clock, tls).probe(endpoint, check, loop);
            f.awaitUninterruptibly(check.timeout().toMillis() + 5_000);
            health = f.getNow();
        }
        DirectExchange.Request request = targets.requestFor(u, a.configured());
        long response = u.timeouts().response().toMillis();
        long budget = Math.min(MAX_RESPONSE_WAIT_MILLIS, Math.max(2_000, response == 0 ? MAX_RESPONSE_WAIT_MILLIS : 2 * response + 1_000));
        long idle = u.pool().idleTimeout().toMillis();
        long hold = idle == 0 ? 0 : Math.min(options.idleWatch().toMillis(), idle + 500);
        Future<DirectExchange.Outcome> f = new DirectExchange(transport, tls).send(loop, u.name(), endpoint, request,
                new DirectExchange.Limits(connectMillis, budget, hold));
        f.awaitUninterruptibly(connectMillis + budget + hold + 5_000);
        return new Probed(u, r.index(), a.configured(), a.socket(), tcp, health, f.getNow(), request, null, hold);
    }

    /** An endpoint as the proxy would build it for this address, with health of its own (never shared). */
    static Endpoint endpoint(UpstreamConfig u, HostPort configured, InetSocketAddress socket, Clock clock) {
        return new Endpoint(u.name(), configured, socket, 1, 0, null,
                new EndpointHealth(u.healthCheck(), System::nanoTime, clock));
    }

    /**
     * When nothing listens at an address, whether something does on the port the endpoint's siblings use
     * on the same IP (a port typo), or on the same port of the other loopback family (127.0.0.1 vs ::1).
     */
    private String listeningNearby(Resolution r, Resolution.Address a, EventLoop loop, long connectMillis) {
        Map<String, InetSocketAddress> candidates = new LinkedHashMap<>();
        for (EndpointConfig e : r.upstream().endpoints()) {
            if (e.address().port() != a.socket().getPort()) {
                InetSocketAddress other = new InetSocketAddress(a.socket().getAddress(), e.address().port());
                candidates.put(Endpoint.ipPort(other), other);
            }
        }
        InetAddress ip = a.socket().getAddress();
        if (ip.isLoopbackAddress()) {
            InetAddress twin = literal(ip instanceof java.net.Inet6Address ? "127.0.0.1" : "::1");
            InetSocketAddress other = new InetSocketAddress(twin, a.socket().getPort());
            candidates.put(Endpoint.ipPort(other), other);
        }
        for (Map.Entry<String, InetSocketAddress> c : candidates.entrySet()) {
            if (ConnectSamples.take(transport, loop, c.getValue(), 1, Math.min(connectMillis, 1_000)).connected() == 1) {
                return c.getKey();
            }
        }
        return null;
    }
}
