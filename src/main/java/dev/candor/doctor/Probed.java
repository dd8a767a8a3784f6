package dev.candor.doctor;

import dev.candor.client.DirectExchange;
import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;
import dev.candor.failure.ConfirmCommand;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.ProbeRecord;

import java.net.InetSocketAddress;

/**
 * Everything measured about one address of one endpoint.
 *
 * @param index the endpoint's position in {@code upstreams.NAME.endpoints}, or -1 for an SRV target
 * @param configured the endpoint as configured (for SRV: the target name and port)
 * @param health the health-check request's outcome, or null when none is configured or nothing connected
 * @param direct the direct request's outcome, or null when nothing connected
 * @param request the direct request as sent, or null
 * @param listeningNearby another {@code ip:port} of the same host that accepts connections (a sibling
 *                        endpoint's port, or the other loopback family), or null
 * @param idleWatchedMillis how long the direct request's connection was held idle to see the backend close it
 */
record Probed(UpstreamConfig upstream, int index, HostPort configured, InetSocketAddress address,
              ConnectSamples tcp, ProbeRecord health, DirectExchange.Outcome direct, DirectExchange.Request request,
              String listeningNearby, long idleWatchedMillis) {

    String label() {
        return Endpoint.ipPort(address);
    }

    /** {@code app 127.0.0.1:8080}, with the configured name when it was resolved. */
    String target() {
        String ipPort = label();
        String named = configured.toString();
        return upstream.name() + " " + (named.equals(ipPort) ? ipPort : ipPort + " (" + named + ")");
    }

    /** How the proxy speaks TLS to this endpoint, so confirm commands do the same; null for plain HTTP. */
    ConfirmCommand.Tls confirmTls() {
        return ConfirmCommand.Tls.of(upstream.tls(), configured.host());
    }

    /** The direct request's {@code Host}. */
    String hostHeader() {
        return request.headers().get(0).getValue();
    }

    boolean reachable() {
        return tcp.connected() > 0;
    }
}
