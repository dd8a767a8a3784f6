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

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * How the doctor reaches Candor itself for an {@code https://} {@code --url}: through the proxy's own TLS
 * client, as if Candor were an upstream, with SNI and name check for the URL's host. The certificates of
 * the config's TLS listener on the URL's port are what is trusted (the question is whether Candor serves
 * what it is configured to serve, for that name); with no such listener, the JVM's trust store.
 *
 * @param trust {@code "listener"} or {@code "system"}, for the evidence
 */
record ProxySide(DirectExchange exchange, UpstreamConfig asUpstream, String trust) {

    /** For an https URL; null for http. */
    static ProxySide of(CandorConfig config, URI url, Transport transport, Clock clock) {
        if (!"https".equals(url.getScheme())) {
            return null;
        }
        int port = url.getPort() > 0 ? url.getPort() : 443;
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
                served.isEmpty() ? "system" : "listener");
    }

    /** The endpoint the exchange is addressed to: the URL's host (SNI, name check) at {@code address}. */
    Endpoint endpoint(InetSocketAddress address, Clock clock) {
        return Doctor.endpoint(asUpstream, asUpstream.endpoints().get(0).address(), address, clock);
    }
}
