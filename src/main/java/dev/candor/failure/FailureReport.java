package dev.candor.failure;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Everything known about one request that Candor failed: what the client got, why, every attempt, and
 * what an operator should look at next. Kept in the recent-failures ring and served by the admin API.
 *
 * @param limit the configured limit that was hit, with both numbers, or null
 * @param confirm a command to run from the proxy host that confirms the diagnosis, or null
 * @param trace the request's trace in its printable form
 * @param dns where the names involved came from: one entry per DNS name of the endpoints tried, or of
 *            the names that failed to resolve; empty when every address was written in the config
 */
public record FailureReport(
        String requestId,
        Instant time,
        int status,
        ErrorType error,
        Cause cause,
        String method,
        String host,
        String uri,
        String route,
        String upstream,
        String endpoint,
        String detail,
        String limit,
        String confirm,
        List<AttemptReport> attempts,
        String trace,
        List<DnsEvidence> dns) {

    /** A report without DNS evidence (every endpoint was an IP address). */
    public FailureReport(String requestId, Instant time, int status, ErrorType error, Cause cause, String method,
                         String host, String uri, String route, String upstream, String endpoint, String detail,
                         String limit, String confirm, List<AttemptReport> attempts, String trace) {
        this(requestId, time, status, error, cause, method, host, uri, route, upstream, endpoint, detail, limit,
                confirm, attempts, trace, List.of());
    }

    public FailureReport {
        requireNonNull(time, "time");
        requireNonNull(error, "error");
        attempts = List.copyOf(attempts);
        dns = List.copyOf(dns);
    }

    /** The explanation shown to operators: what happened, the likely causes, the next check. */
    public String explanation() {
        return error.summary() + ". Likely: " + error.likelyCauses() + ". Next: " + error.nextCheck() + ".";
    }
}
