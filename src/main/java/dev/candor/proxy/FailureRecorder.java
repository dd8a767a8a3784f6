package dev.candor.proxy;

import dev.candor.failure.AttemptReport;
import dev.candor.failure.DnsEvidence;
import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.Metrics;
import dev.candor.upstream.DnsProvenance;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Writes down how a request ended: the access-log line always; for a classified failure also the full
 * report (kept in the recent-failures ring) and one concise error-log line.
 */
final class FailureRecorder {
    private static final Logger log = LoggerFactory.getLogger("candor.failures");

    private FailureRecorder() {
    }

    static void record(ProxyContext context, ExchangeLog f) {
        Attempt last = f.lastAttempt();
        ErrorType error = f.failure == null ? null : f.failure.type();
        List<DnsEvidence> dns = error == null ? List.of() : dnsEvidence(f);
        String detail = withNote(f.detail, dns);
        double durationMs = f.trace.elapsedNanos() / 1e6;
        // Metrics first: whoever sees the access-log line can rely on the metrics including the request.
        recordMetrics(context.metrics(), f, error, last);
        context.accessLog().log(new AccessLogEntry(
                f.time, f.requestId, f.clientIp, f.method, f.host, f.uri,
                f.protocol, f.status, f.bytesSent, durationMs,
                f.route == null ? null : f.route.name(),
                f.upstream == null ? null : f.upstream.name(),
                last == null ? null : last.endpoint.label(),
                f.attempts.size(), f.upstreamStatus,
                error == null ? null : error.token(), detail,
                last == null ? null : last.connectMillis(),
                last == null || last.firstByteNanos < 0 ? null : last.firstByteNanos / 1e6,
                null,
                last == null ? null : last.tlsMillis(),
                f.bytesReceived, f.close));
        if (error == null) {
            context.journal().ended(routeName(f), upstreamName(f), f.status, null, null);
            return;
        }
        if (f.failure.signal() == Signal.CLIENT_FAULT && !context.keepClientFault()) {
            context.metrics().unkeptReport(error);
            context.journal().ended(routeName(f), upstreamName(f), f.status, error, null);
            return;
        }
        List<AttemptReport> attempts = new ArrayList<>(f.attempts.size());
        for (Attempt a : f.attempts) {
            attempts.add(a.report());
        }
        String address = last == null ? null : last.address != null ? last.address : last.endpoint.label();
        FailureReport report = new FailureReport(f.requestId, f.time, f.status, error, f.failure,
                f.method, f.host, f.uri,
                f.route == null ? null : f.route.name(),
                f.upstream == null ? null : f.upstream.name(),
                last == null ? null : last.endpoint.label(),
                detail, f.limit,
                confirm(f, error, address, last),
                attempts, f.trace.toString(), dns);
        context.failures().add(report);
        context.journal().ended(routeName(f), upstreamName(f), f.status, error, report);
        logLine(f, error, report);
    }

    private static String routeName(ExchangeLog f) {
        return f.route == null ? null : f.route.name();
    }

    private static String upstreamName(ExchangeLog f) {
        return f.upstream == null ? null : f.upstream.name();
    }

    private static void recordMetrics(Metrics metrics, ExchangeLog f, ErrorType error, Attempt last) {
        // A tunnel's request ended with its 101: its life afterwards is not request latency.
        long requestNanos = f.switchedNanos >= 0 ? f.switchedNanos : f.trace.elapsedNanos();
        metrics.request(f.route == null ? null : f.route.name(), f.status, requestNanos);
        if (error != null) {
            metrics.error(error, f.upstream == null ? null : f.upstream.name(),
                    last == null ? null : last.endpoint.label());
        }
        List<Attempt> attempts = f.attempts;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            long duration = a.endedNanos >= 0 ? a.endedNanos - a.startedNanos : -1;
            // The first attempt and transparent stale-connection retries are not retries.policy retries.
            metrics.attempt(a.endpoint.upstream(), a.endpoint.label(), a.cause == null ? null : a.cause.type(),
                    duration, i > 0 && !a.transparent, a.transparent);
        }
    }

    /** A command to see the failure first-hand: for a DNS failure, the lookup that failed. */
    private static String confirm(ExchangeLog f, ErrorType error, String address, Attempt last) {
        if ((error == ErrorType.DNS_ERROR || error == ErrorType.DNS_TIMEOUT) && f.attempts.isEmpty()
                && f.upstream != null) {
            for (DnsSource s : f.upstream.dnsSources()) {
                if (s.failure() != null) {
                    return ConfirmCommand.dig(s.name(), s.failure().resolver(), s.kind() == DnsSource.Kind.SRV);
                }
            }
        }
        return ConfirmCommand.forFailure(error, f.method, f.host, f.uri, address, confirmTls(f, last));
    }

    /**
     * The DNS evidence of a failure: for each name behind the endpoints tried, where the address came
     * from; when nothing was tried because names did not resolve, those names' lookups.
     */
    static List<DnsEvidence> dnsEvidence(ExchangeLog f) {
        Upstream upstream = f.upstream;
        if (upstream == null || upstream.dnsSources().isEmpty()) {
            return List.of();
        }
        List<DnsEvidence> out = new ArrayList<>();
        Set<DnsSource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Attempt a : f.attempts) {
            if (a.endpoint.source() != null && seen.add(a.endpoint.source())) {
                out.add(DnsProvenance.of(upstream, a.endpoint, f.time));
            }
        }
        if (f.attempts.isEmpty()) {
            for (DnsSource s : upstream.dnsSources()) {
                if (s.failure() != null || s.targets().isEmpty()) {
                    out.add(DnsProvenance.ofLookup(s));
                }
            }
        }
        return out;
    }

    /** The detail, followed by the first remarkable DNS fact (an address that left DNS, a stale answer). */
    private static String withNote(String detail, List<DnsEvidence> dns) {
        for (DnsEvidence d : dns) {
            if (d.note() != null) {
                return detail == null ? d.note() : detail + "; " + d.note();
            }
        }
        return detail;
    }

    /** How the last attempt's upstream speaks TLS, for the confirm command; null for plain HTTP. */
    private static ConfirmCommand.Tls confirmTls(ExchangeLog f, Attempt last) {
        if (f.upstream == null || last == null) {
            return null;
        }
        return ConfirmCommand.Tls.of(f.upstream.config().tls(), last.endpoint.address().host());
    }

    private static void logLine(ExchangeLog f, ErrorType error, FailureReport report) {
        // Client faults are routine on the internet; they stay out of the warnings.
        boolean clientFault = f.failure.signal() == Signal.CLIENT_FAULT;
        if (clientFault ? !log.isDebugEnabled() : !log.isWarnEnabled()) {
            return;
        }
        String line = f.status + " " + error.token() + " " + f.method + " "
                + (f.host == null ? "" : f.host) + f.uri
                + (report.upstream() == null ? "" : " -> " + report.upstream() + "/" + report.endpoint())
                + ": " + report.detail()
                + (f.limit == null ? "" : " [" + f.limit + "]")
                + " request_id=" + f.requestId + " attempts=" + f.attempts.size()
                + (f.transparentRetries > 0 ? " stale_retries=" + f.transparentRetries : "");
        if (clientFault) {
            log.debug(line);
        } else {
            log.warn(line);
        }
    }
}
