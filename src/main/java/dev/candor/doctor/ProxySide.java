package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.client.Transport;
import dev.candor.client.UpstreamTlsContexts;
import dev.candor.config.BalancerConfig;
import dev.candor.config.CandorConfig;
import dev.candor.config.CertificateConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.ListenerConfig;
import dev.candor.config.OutlierConfig;
import dev.candor.config.PoolConfig;
import dev.candor.config.RetryConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.config.UpstreamDnsConfig;
import dev.candor.config.UpstreamTlsConfig;
import dev.candor.upstream.Endpoint;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * How the doctor reaches Candor itself for {@code --url}: plain HTTP, or for an {@code https://} (or
 * {@code wss://}) URL the proxy's own TLS client, as if Candor were an upstream, with SNI and name check
 * for the URL's host. The certificates of the config's TLS listener on the URL's port are what is
 * trusted (the question is whether Candor serves what it is configured to serve, for that name); with no
 * such listener, the JVM's trust store.
 */
final class ProxySide {
    private final DirectExchange exchange;
    /** Candor as a TLS upstream of one endpoint, the URL's host; null for plain HTTP. */
    private final UpstreamConfig asUpstream;
    private final String trust;
    private final Clock clock;

    private ProxySide(DirectExchange exchange, UpstreamConfig asUpstream, String trust, Clock clock) {
        this.exchange = exchange;
        this.asUpstream = asUpstream;
        this.trust = trust;
        this.clock = clock;
    }

    static ProxySide of(CandorConfig config, URI url, Transport transport, Clock clock) {
        if (!Targets.secure(url)) {
            return new ProxySide(new DirectExchange(transport), null, null, clock);
        }
        int port = Targets.portOf(url);
        List<X509Certificate> served = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            if (l.tls() != null && l.address().port() == port) {
                for (CertificateConfig c : l.tls().certificates()) {
                    if (c.loaded() != null) {
                        served.addAll(c.loaded().chain());
                    }
                }
            }
        }
        UpstreamTlsConfig tls = new UpstreamTlsConfig(true, null, null, served, null, "TLSv1.2");
        UpstreamConfig candor = new UpstreamConfig("candor", List.of(new EndpointConfig(new HostPort(url.getHost(), port), 1)),
                BalancerConfig.ROUND_ROBIN, TimeoutsConfig.DEFAULTS, PoolConfig.DEFAULTS, null, OutlierConfig.DEFAULTS,
                RetryConfig.DEFAULTS, UpstreamConfig.AllUnhealthy.FAIL, UpstreamDnsConfig.DEFAULTS, tls);
        return new ProxySide(new DirectExchange(transport, UpstreamTlsContexts.of(List.of(candor), clock)), candor,
                served.isEmpty() ? "system" : "listener", clock);
    }

    /** Sends the request to Candor at {@code address}; the future always succeeds with the outcome. */
    Future<DirectExchange.Outcome> send(EventLoop loop, InetSocketAddress address, DirectExchange.Request request,
                                        DirectExchange.Limits limits) {
        if (asUpstream == null) {
            return exchange.send(loop, address, request, limits);
        }
        Endpoint endpoint = Doctor.endpoint(asUpstream, asUpstream.endpoints().get(0).address(), address, clock);
        return exchange.send(loop, asUpstream.name(), endpoint, request, limits);
    }

    /** What an https request trusts, {@code listener} or {@code system}; null for plain HTTP. */
    String trust() {
        return trust;
    }
}
