package dev.candor.doctor;

import dev.candor.config.HostPort;
import dev.candor.config.UpstreamConfig;
import dev.candor.upstream.DnsAnswer;
import dev.candor.upstream.DnsFailure;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What one configured endpoint (or an upstream's SRV record) resolved to.
 *
 * @param index the endpoint's position in the config, or -1 for an SRV record
 * @param name the name looked up, or null for an IP literal
 * @param answer the answer, or null (literal, or failed)
 * @param failure why the lookup failed, or null
 * @param addresses what to probe, each with the configured (or SRV target) host and port
 * @param lookupNanos how long the lookup took
 */
record Resolution(UpstreamConfig upstream, int index, String name, DnsAnswer answer, DnsFailure failure,
                  List<Resolution.Address> addresses, long lookupNanos) {

    record Address(HostPort configured, InetSocketAddress socket) {
    }

    String target() {
        return upstream.name() + " " + (index >= 0 ? upstream.endpoints().get(index).address().toString()
                : "SRV " + name);
    }
}
