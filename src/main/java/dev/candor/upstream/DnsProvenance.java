package dev.candor.upstream;

import dev.candor.config.Durations;
import dev.candor.failure.DnsEvidence;
import dev.candor.failure.ErrorType;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the DNS part of a failure's evidence: where the failing address came from, whether it is still
 * in its name's answer, and — for a name with several addresses — how each of them fares, with the
 * conclusion that follows (e.g. the backend listens on IPv4 only).
 */
public final class DnsProvenance {
    /** An address counts as failing when at least this share of its requests failed with one error type. */
    private static final int FAILING_PERCENT = 50;

    private DnsProvenance() {
    }

    /**
     * Evidence for an attempt on {@code endpoint}; null when its address was written in the config.
     *
     * @param now the time the request started: "ago" is counted from it
     */
    public static DnsEvidence of(Upstream upstream, Endpoint endpoint, Instant now) {
        DnsSource source = endpoint.source();
        if (source == null) {
            return null;
        }
        String address = endpoint.label();
        boolean inAnswer = source.inAnswer(endpoint.socketAddress());
        Instant leftAt = inAnswer ? null : source.departedAt(endpoint.socketAddress());
        String perAddress = null;
        String conclusion = null;
        List<Endpoint> siblings = new ArrayList<>();
        for (Endpoint e : upstream.endpoints()) {
            if (e.source() == source) {
                siblings.add(e);
            }
        }
        if (siblings.size() > 1) {
            perAddress = perAddress(siblings);
            conclusion = conclusion(source, siblings);
        }
        String note;
        DnsAnswer a = source.answer();
        if (!inAnswer) {
            String when = leftAt == null ? null
                    : leftAt.isAfter(now) ? "while the request was in flight" : ago(leftAt, now);
            note = address + (when == null ? " is not" : " left DNS " + when + " and is no longer")
                    + " in the answer for " + source.describe() + current(source);
        } else if (source.isStale()) {
            note = source.describe() + " is served from a stale answer (resolved " + ago(a.resolvedAt(), now)
                    + ", TTL " + a.ttlSeconds() + " s): the resolvers have failed since "
                    + source.failingSince().truncatedTo(ChronoUnit.SECONDS) + failureText(source);
        } else if (conclusion != null) {
            note = perAddress + " -> " + conclusion;
        } else {
            note = null;
        }
        return evidence(source, address, inAnswer, leftAt, perAddress, note);
    }

    /** Evidence for a request that failed because the name had no answer at all. */
    public static DnsEvidence ofLookup(DnsSource source) {
        return evidence(source, null, null, null, null, null);
    }

    private static DnsEvidence evidence(DnsSource source, String address, Boolean inAnswer, Instant leftAt,
                                        String perAddress, String note) {
        DnsAnswer a = source.answer();
        List<String> answer = a == null || source.targets().isEmpty() ? List.of()
                : a.addresses(source.kind() == DnsSource.Kind.SRV);
        DnsFailure f = source.failure();
        return new DnsEvidence(source.describe(), answer,
                a == null ? null : a.resolvedAt(), a == null ? null : a.ttlSeconds(), a == null ? null : a.resolver(),
                source.isStale(), f == null ? null : describe(f), address, inAnswer, leftAt, perAddress, note);
    }

    /** {@code SERVFAIL from 127.0.0.1:53 at 10:15:30Z} or {@code no answer from 127.0.0.1:53 within 2s at …}. */
    public static String describe(DnsFailure f) {
        return f.detail() + " at " + f.at().truncatedTo(ChronoUnit.SECONDS);
    }

    private static String failureText(DnsSource source) {
        DnsFailure f = source.failure();
        return f == null ? "" : " (" + f.detail() + ")";
    }

    private static String current(DnsSource source) {
        List<DnsTarget> now = source.targets();
        if (now.isEmpty()) {
            return "; it has no usable answer now";
        }
        List<String> addresses = new ArrayList<>();
        for (DnsTarget t : now) {
            addresses.add(Endpoint.ipPort(t.socketAddress()));
        }
        return "; it now resolves to " + String.join(", ", addresses);
    }

    private static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now).truncatedTo(ChronoUnit.SECONDS);
        return d.isNegative() || d.isZero() ? "under a second ago" : Durations.format(d) + " ago";
    }

    /** {@code [::1]:8080 connection_refused 100 %, 127.0.0.1:8080 healthy}. */
    static String perAddress(List<Endpoint> endpoints) {
        StringBuilder b = new StringBuilder();
        for (Endpoint e : endpoints) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(e.label()).append(' ').append(outcome(e));
        }
        return b.toString();
    }

    private static String outcome(Endpoint e) {
        EndpointHealth h = e.health();
        Map.Entry<ErrorType, Long> top = topError(h);
        long requests = h.requests();
        if (top != null && requests > 0 && top.getValue() * 100 >= FAILING_PERCENT * requests) {
            return top.getKey().token() + " " + Math.min(100, top.getValue() * 100 / requests) + " %";
        }
        return h.state().token();
    }

    private static boolean failing(Endpoint e) {
        EndpointHealth h = e.health();
        Map.Entry<ErrorType, Long> top = topError(h);
        long requests = h.requests();
        boolean mostlyFailing = top != null && requests > 0 && top.getValue() * 100 >= FAILING_PERCENT * requests;
        return mostlyFailing || h.state() == EndpointState.UNHEALTHY || h.state() == EndpointState.EJECTED;
    }

    private static Map.Entry<ErrorType, Long> topError(EndpointHealth h) {
        Map.Entry<ErrorType, Long> top = null;
        for (Map.Entry<ErrorType, Long> entry : h.errorCounts().entrySet()) {
            if (entry.getValue() > 0 && (top == null || entry.getValue() > top.getValue())) {
                top = entry;
            }
        }
        return top;
    }

    /** What the per-address outcomes say about the backend, or null when they say nothing particular. */
    static String conclusion(DnsSource source, List<Endpoint> endpoints) {
        int v4 = 0, v4Failing = 0, v6 = 0, v6Failing = 0;
        for (Endpoint e : endpoints) {
            boolean six = e.socketAddress().getAddress() instanceof Inet6Address;
            boolean bad = failing(e);
            if (six) {
                v6++;
                v6Failing += bad ? 1 : 0;
            } else {
                v4++;
                v4Failing += bad ? 1 : 0;
            }
        }
        int failing = v4Failing + v6Failing;
        if (failing == 0 || failing == endpoints.size()) {
            return null;
        }
        if (v4 > 0 && v6 > 0 && v6Failing == v6 && v4Failing == 0) {
            return "the backend listens on IPv4 only: make it listen on IPv6 too, or give the IPv4 address instead of "
                    + source.name();
        }
        if (v4 > 0 && v6 > 0 && v4Failing == v4 && v6Failing == 0) {
            return "the backend listens on IPv6 only: make it listen on IPv4 too, or give the IPv6 address instead of "
                    + source.name();
        }
        return failing + " of " + endpoints.size() + " addresses of " + source.name()
                + " fail while the others work: look at those hosts, not at the name";
    }
}
