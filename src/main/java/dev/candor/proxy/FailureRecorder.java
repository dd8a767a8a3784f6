package dev.candor.proxy;

import dev.candor.failure.AttemptReport;
import dev.candor.failure.Cause;
import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.Trace;
import dev.candor.upstream.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes down how a request ended: the access-log line always; for a classified failure also the full
 * report (kept in the recent-failures ring) and one concise error-log line.
 */
final class FailureRecorder {
    private static final Logger log = LoggerFactory.getLogger("candor.failures");

    /** What the exchange knows when it ends. */
    record Facts(Instant time, Trace trace, String requestId, String clientIp, String method, String hostHeader,
                 String uri, boolean http10, int status, long bytesSent, Route route, Upstream upstream,
                 List<Attempt> attempts, int transparentRetries, Integer upstreamStatus, Cause failure,
                 String detail, String limit) {
    }

    private FailureRecorder() {
    }

    static void record(ProxyContext context, Facts f) {
        Attempt last = f.attempts().isEmpty() ? null : f.attempts().get(f.attempts().size() - 1);
        ErrorType error = f.failure() == null ? null : f.failure().type();
        double durationMs = f.trace().elapsedNanos() / 1e6;
        context.accessLog().log(new AccessLogEntry(
                f.time(), f.requestId(), f.clientIp(), f.method(), f.hostHeader(), f.uri(),
                f.http10() ? "HTTP/1.0" : "HTTP/1.1", f.status(), f.bytesSent(), durationMs,
                f.route() == null ? null : f.route().name(),
                f.upstream() == null ? null : f.upstream().name(),
                last == null ? null : last.endpoint.label(),
                f.attempts().size(), f.upstreamStatus(),
                error == null ? null : error.token(), f.detail(),
                last == null ? null : last.connectMillis(),
                last == null || last.firstByteNanos < 0 ? null : last.firstByteNanos / 1e6,
                null,
                last == null ? null : last.tlsMillis()));
        if (error == null) {
            return;
        }
        List<AttemptReport> attempts = new ArrayList<>(f.attempts().size());
        for (Attempt a : f.attempts()) {
            attempts.add(a.report());
        }
        String address = last == null ? null : last.address != null ? last.address : last.endpoint.label();
        FailureReport report = new FailureReport(f.requestId(), f.time(), f.status(), error, f.failure(),
                f.method(), f.hostHeader(), f.uri(),
                f.route() == null ? null : f.route().name(),
                f.upstream() == null ? null : f.upstream().name(),
                last == null ? null : last.endpoint.label(),
                f.detail(), f.limit(),
                ConfirmCommand.forFailure(error, f.method(), f.hostHeader(), f.uri(), address, confirmTls(f, last)),
                attempts, f.trace().toString());
        context.failures().add(report);
        logLine(f, error, report);
    }

    /** How the last attempt's upstream speaks TLS, for the confirm command; null for plain HTTP. */
    private static ConfirmCommand.Tls confirmTls(Facts f, Attempt last) {
        if (f.upstream() == null || last == null || f.upstream().config().tls() == null) {
            return null;
        }
        var tls = f.upstream().config().tls();
        return new ConfirmCommand.Tls(tls.sni() != null ? tls.sni() : last.endpoint.address().host(),
                tls.ca() == null ? null : tls.ca().toString(), tls.verify());
    }

    private static void logLine(Facts f, ErrorType error, FailureReport report) {
        // Client faults are routine on the internet; they stay out of the warnings.
        boolean clientFault = f.failure().signal() == Signal.CLIENT_FAULT;
        if (clientFault ? !log.isDebugEnabled() : !log.isWarnEnabled()) {
            return;
        }
        String line = f.status() + " " + error.token() + " " + f.method() + " "
                + (f.hostHeader() == null ? "" : f.hostHeader()) + f.uri()
                + (report.upstream() == null ? "" : " -> " + report.upstream() + "/" + report.endpoint())
                + ": " + f.detail()
                + (f.limit() == null ? "" : " [" + f.limit() + "]")
                + " request_id=" + f.requestId() + " attempts=" + f.attempts().size()
                + (f.transparentRetries() > 0 ? " stale_retries=" + f.transparentRetries() : "");
        if (clientFault) {
            log.debug(line);
        } else {
            log.warn(line);
        }
    }
}
