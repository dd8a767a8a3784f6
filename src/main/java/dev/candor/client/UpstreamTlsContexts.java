package dev.candor.client;

import dev.candor.config.UpstreamConfig;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The TLS client contexts of every upstream that has {@code tls}, shared by pools and health probes. */
public final class UpstreamTlsContexts {
    private static final Logger log = LoggerFactory.getLogger("candor.tls");
    /** No upstream uses TLS. */
    public static final UpstreamTlsContexts NONE = new UpstreamTlsContexts(Map.of());

    private final Map<String, UpstreamTls> byUpstream;

    private UpstreamTlsContexts(Map<String, UpstreamTls> byUpstream) {
        this.byUpstream = byUpstream;
    }

    /** Builds one context per upstream with TLS; logs which TLS library they use. */
    public static UpstreamTlsContexts of(Iterable<UpstreamConfig> upstreams, Clock clock) {
        SslProvider provider = TlsSupport.provider();
        Map<String, UpstreamTls> map = new ConcurrentHashMap<>();
        for (UpstreamConfig u : upstreams) {
            if (u.tls() != null) {
                map.put(u.name(), UpstreamTls.of(u.tls(), provider, clock));
                log.info("upstream {}: TLS to endpoints with {}{}", u.name(), TlsSupport.describe(provider),
                        u.tls().verify() ? "" : " (verification off)");
            }
        }
        return new UpstreamTlsContexts(Map.copyOf(map));
    }

    /** The upstream's TLS, or null when it talks plain HTTP. */
    UpstreamTls forUpstream(String upstream) {
        return byUpstream.get(upstream);
    }
}
