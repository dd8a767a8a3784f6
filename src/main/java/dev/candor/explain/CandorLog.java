package dev.candor.explain;

import dev.candor.failure.ErrorType;
import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogFormat;

/** Candor's own JSON access log, read with the parser Candor writes it with; only failed lines are parsed. */
final class CandorLog {

    private CandorLog() {
    }

    /** The line as a failure, or null when the request went well. */
    static Failure read(LogLines in) throws Unreadable {
        String line = in.latin1();
        int s = line.indexOf("\"status\":");
        int status = s < 0 ? -1 : Times.digits(line, s + 9, 3);
        if (status < 0) {
            throw Unreadable.LINE;
        }
        if (status < 500 && status != 499 && line.contains("\"error\":null")) {
            return null;
        }
        AccessLogEntry e;
        try {
            e = AccessLogFormat.parse(in.utf8());
        } catch (IllegalArgumentException bad) {
            throw Unreadable.LINE;
        }
        ErrorType type = e.error() == null ? null : ErrorType.fromToken(e.error());
        if (type == null && e.status() < 500 && e.status() != 499) {
            return null;
        }
        String detail = e.errorDetail() != null ? e.errorDetail()
                : e.status() == 499 ? "the client went away before the response was complete"
                : "the upstream answered " + (e.upstreamStatus() == null ? e.status() : e.upstreamStatus()) + " itself";
        return new Failure(in.source(), e.time().toString(), e.method(), e.uri(), e.status(), type,
                e.endpoint() != null ? e.endpoint() : e.upstream(), e.host(), e.requestId(), detail, Proxy.CANDOR,
                type == null && e.status() == 499);
    }
}
