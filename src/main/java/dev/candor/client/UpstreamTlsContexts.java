package dev.candor.client;

import dev.candor.config.UpstreamConfig;
import dev.candor.config.UpstreamTlsConfig;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS client contexts of every upstream that has {@code tls}, shared by pools and health probes.
 * A reload updates them: an upstream whose {@code tls} did not change keeps its context (and its TLS
 * session cache); a changed one gets a new context for its new connections.
 */
public final class UpstreamTlsContexts {
    private static final Logger log = LoggerFactory.getLogger("candor.tls");
    /** No upstream uses TLS. */
    public static final UpstreamTlsContexts NONE = new UpstreamTlsContexts();

    private final Clock clock;
    private final Map<String, Entry> byUpstream = new ConcurrentHashMap<>();

    /** One upstream's context, with the config it was built from. */
    private record Entry(UpstreamTlsConfig config, UpstreamTls tls) {
    }

    private UpstreamTlsContexts() {
        this.clock = Clock.systemUTC();
    }

    private UpstreamTlsContexts(Clock clock) {
        this.clock = clock;
    }

    /** Builds one context per upstream with TLS; logs which TLS library they use. */
    public static UpstreamTlsContexts of(Iterable<UpstreamConfig> upstreams, Clock clock) {
        UpstreamTlsContexts contexts = new UpstreamTlsContexts(clock);
        contexts.update(upstreams);
        return contexts;
    }

    /** Brings the contexts in line with a (reloaded) set of upstreams. */
    public synchronized void update(Iterable<UpstreamConfig> upstreams) {
        SslProvider provider = TlsSupport.provider();
        Set<String> names = new HashSet<>();
        for (UpstreamConfig u : upstreams) {
            names.add(u.name());
            Entry current = byUpstream.get(u.name());
            if (u.tls() == null) {
                byUpstream.remove(u.name());
            } else if (current == null || !current.config().equals(u.tls())) {
                byUpstream.put(u.name(), new Entry(u.tls(), UpstreamTls.of(u.tls(), provider, clock)));
                log.info("upstream {}: TLS to endpoints with {}{}", u.name(), TlsSupport.describe(provider),
                        u.tls().verify() ? "" : " (verification off)");
            }
        }
        byUpstream.keySet().retainAll(names);
    }

    /** The upstream's TLS, or null when it talks plain HTTP. */
    UpstreamTls forUpstream(String upstream) {
        Entry e = byUpstream.get(upstream);
        return e == null ? null : e.tls();
    }
}
