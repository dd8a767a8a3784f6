package dev.candor.failure;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Where an endpoint's address came from, as evidence for a failure: the name, the answer (addresses,
 * when, TTL, which resolver), whether it is stale, and whether the failing address is still in it.
 *
 * @param name {@code api.internal:8080}, or {@code SRV _http._tcp.api.consul}
 * @param answer the addresses of the answer in use (empty when there is none)
 * @param resolvedAt when that answer was obtained, or null when there is none
 * @param ttlSeconds its TTL, or null
 * @param resolver the name server that gave it ({@code ip:port} or {@code /etc/hosts}), or null
 * @param stale true when the answer is past its TTL and kept because the resolvers fail
 * @param lastFailure the latest failed lookup since that answer ({@code SERVFAIL from 10.0.0.2:53 at …}), or null
 * @param address the failing address ({@code ip:port}), or null when no address was tried
 * @param inAnswer whether {@code address} is in the answer in use now; null when no address was tried
 * @param leftAt when {@code address} left the answer, or null
 * @param perAddress each address of the name with its outcome, when the name has several; or null
 * @param note the one sentence an operator should read first, or null when nothing is remarkable
 */
public record DnsEvidence(String name, List<String> answer, Instant resolvedAt, Long ttlSeconds, String resolver,
                          boolean stale, String lastFailure, String address, Boolean inAnswer, Instant leftAt,
                          String perAddress, String note) {
    public DnsEvidence {
        requireNonNull(name, "name");
        answer = List.copyOf(requireNonNull(answer, "answer"));
    }
}
