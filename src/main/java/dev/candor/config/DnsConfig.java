package dev.candor.config;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Process-wide resolver settings ({@code dns}).
 *
 * @param resolvers the name servers to ask, in order; empty = those of {@code /etc/resolv.conf}
 *                  ({@code /etc/hosts} is consulted first either way)
 * @param timeout how long one query may take before the next server is asked or the lookup fails
 * @param staleFor how long the last good answer keeps being used after its TTL ran out while the
 *                 resolvers fail; zero = never past its TTL
 */
public record DnsConfig(List<HostPort> resolvers, Duration timeout, Duration staleFor) {

    public static final DnsConfig DEFAULTS = new DnsConfig(List.of(), Duration.ofSeconds(2), Duration.ofMinutes(5));

    public DnsConfig {
        resolvers = List.copyOf(requireNonNull(resolvers, "resolvers"));
        requireNonNull(timeout, "timeout");
        requireNonNull(staleFor, "staleFor");
    }
}
