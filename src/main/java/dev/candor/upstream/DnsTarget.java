package dev.candor.upstream;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * One address of a DNS answer, ready to become an endpoint.
 *
 * @param host the name it was resolved from (for SRV: the target name)
 * @param weight the configured weight, or the SRV weight mapped to a balancer weight
 * @param priority the SRV priority; 0 for A/AAAA answers
 */
public record DnsTarget(String host, InetAddress address, int port, int weight, int priority) {
    public DnsTarget {
        requireNonNull(host, "host");
        requireNonNull(address, "address");
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
