package dev.candor.proxy;

import dev.candor.failure.Cause;
import dev.candor.observe.AccessLogEntry.TunnelClose;
import dev.candor.observe.Trace;
import dev.candor.upstream.Upstream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one exchange will write down when it ends, filled in as it goes: the request's facts when they are
 * known, each attempt as it starts, the status when a head goes out, the failure when one happens. At
 * the end {@link FailureRecorder} turns it into the access-log line (and for a failure, the report).
 * Written by the exchange's event loop only.
 */
final class ExchangeLog {
    final Instant time;
    final Trace trace;
    final String clientIp;
    final List<Attempt> attempts = new ArrayList<>(2);

    String requestId;
    String method;
    String host;
    String uri;
    String protocol = "HTTP/1.1";
    Route route;
    Upstream upstream;

    int status;
    Integer upstreamStatus;
    long bytesSent;
    int transparentRetries;

    Cause failure;
    String detail;
    String limit;

    /** When the exchange switched protocols (trace time), or -1; set for a tunnel's line only, like the two below. */
    long switchedNanos = -1;
    Long bytesReceived;
    TunnelClose close;

    ExchangeLog(Instant time, Trace trace, String clientIp) {
        this.time = time;
        this.trace = trace;
        this.clientIp = clientIp;
    }

    /** The request as it arrived; {@code method} and {@code uri} are null when its line did not parse. */
    ExchangeLog request(String requestId, String method, String uri, boolean http10) {
        this.requestId = requestId;
        this.method = method;
        this.uri = uri;
        this.protocol = http10 ? "HTTP/1.0" : "HTTP/1.1";
        return this;
    }

    /** How the exchange failed; {@code cause} is null for a cut the client caused (not an upstream error). */
    void failure(Cause cause, String detail, String limit) {
        this.failure = cause;
        this.detail = detail;
        this.limit = limit;
    }

    /** The attempt tried last, or null when none was made. */
    Attempt lastAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}
