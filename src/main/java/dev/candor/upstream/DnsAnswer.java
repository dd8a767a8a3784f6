package dev.candor.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A successful lookup: every target it named, when, for how long it may be used, and who said so.
 *
 * @param ttlSeconds the smallest TTL among the records that built it
 * @param resolver the name server that answered ({@code ip:port}), or {@code /etc/hosts}
 */
public record DnsAnswer(String name, List<DnsTarget> targets, Instant resolvedAt, long ttlSeconds, String resolver) {

    public static final String HOSTS_FILE = "/etc/hosts";

    public DnsAnswer {
        requireNonNull(name, "name");
        targets = List.copyOf(requireNonNull(targets, "targets"));
        requireNonNull(resolvedAt, "resolvedAt");
        requireNonNull(resolver, "resolver");
    }

    /** When the TTL runs out. */
    public Instant expiresAt() {
        return resolvedAt.plus(Duration.ofSeconds(ttlSeconds));
    }

    /** The addresses as text ({@code ip} for A/AAAA, {@code ip:port} for SRV targets). */
    public List<String> addresses(boolean withPorts) {
        List<String> out = new ArrayList<>(targets.size());
        for (DnsTarget t : targets) {
            out.add(withPorts ? Endpoint.ipPort(t.socketAddress()) : Endpoint.ipText(t.address()));
        }
        return out;
    }
}
