package dev.candor.server;

import dev.candor.client.DnsResolver;
import dev.candor.client.Transport;
import dev.candor.config.CandorConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.upstream.DnsAnswer;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What {@code candor check} says about the endpoint names of a config: each one looked up now, with the
 * resolver the proxy would use. A name that does not resolve is a warning, never an error: DNS where the
 * check runs may differ from DNS where the proxy runs.
 */
public final class NameCheck {

    /** One name's outcome: a line for the operator, and whether it is a warning. */
    public record Result(String line, boolean warning) {
    }

    private NameCheck() {
    }

    /** Looks up every endpoint name and SRV record of the config; empty when every endpoint is an IP address. */
    public static List<Result> run(CandorConfig config) {
        Map<String, DnsSource> sources = new LinkedHashMap<>();
        for (UpstreamConfig u : config.upstreams().values()) {
            Upstream upstream = Upstream.of(u, () -> ThreadLocalRandom.current().nextLong(), System::nanoTime,
                    Clock.systemUTC());
            for (DnsSource s : upstream.dnsSources()) {
                sources.put("upstreams." + u.name() + ": " + s.describe(), s);
            }
        }
        if (sources.isEmpty()) {
            return List.of();
        }
        Transport transport = Transport.nio();
        EventLoopGroup group = transport.newEventLoopGroup(1, "candor-check-dns");
        try (DnsResolver resolver = new DnsResolver(config.dns(), group.next(), transport, Clock.systemUTC())) {
            Map<String, Future<DnsAnswer>> lookups = new LinkedHashMap<>();
            sources.forEach((label, s) -> lookups.put(label, resolver.resolve(s)));
            long waitMillis = config.dns().timeout().toMillis() * Math.max(2, config.dns().resolvers().size() + 1) + 1000;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            List<Result> results = new ArrayList<>();
            for (Map.Entry<String, Future<DnsAnswer>> e : lookups.entrySet()) {
                Future<DnsAnswer> f = e.getValue();
                f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                DnsSource s = sources.get(e.getKey());
                if (f.isSuccess()) {
                    DnsAnswer a = f.getNow();
                    results.add(new Result(e.getKey() + " resolves to " + String.join(", ",
                            a.addresses(s.kind() == DnsSource.Kind.SRV)) + " (TTL " + a.ttlSeconds() + " s, from "
                            + a.resolver() + ")", false));
                } else {
                    String why = f.cause() instanceof DnsResolver.LookupFailed lf ? lf.failure().detail()
                            : f.isDone() ? String.valueOf(f.cause()) : "no outcome within " + waitMillis + " ms";
                    results.add(new Result(e.getKey() + " does not resolve now: " + why
                            + "; requests to it would fail until it does (not an error: DNS where Candor runs may differ)",
                            true));
                }
            }
            return results;
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
