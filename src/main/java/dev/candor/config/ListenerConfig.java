package dev.candor.config;

import static java.util.Objects.requireNonNull;

/**
 * A listening socket; {@code name} defaults to the address text.
 *
 * @param tls TLS termination, or null for plain HTTP
 * @param redirectToHttps on a plain listener, the port every request is redirected to with https (308),
 *                        or 0 for none
 * @param proxyProtocol every connection starts with a PROXY protocol (v1 or v2) header naming the client
 */
public record ListenerConfig(String name, HostPort address, ListenerTlsConfig tls, int redirectToHttps,
                             boolean proxyProtocol) {
    public ListenerConfig {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
    }

    /** A plain-HTTP listener. */
    public ListenerConfig(String name, HostPort address) {
        this(name, address, null, 0);
    }

    /** A listener whose clients connect directly (no PROXY protocol). */
    public ListenerConfig(String name, HostPort address, ListenerTlsConfig tls, int redirectToHttps) {
        this(name, address, tls, redirectToHttps, false);
    }
}
