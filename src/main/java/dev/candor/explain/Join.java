package dev.candor.explain;

import dev.candor.failure.ErrorType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx's or Apache httpd's two logs read side by side: the access log says what the client got, the error
 * log says why, and neither carries a request id. A line of the error log belongs to the access-log line of
 * the same client (and, for nginx, the same request line) written at the same second or shortly after. Both
 * files are read once, in time order; error lines wait in a window of {@link #WINDOW_SECONDS} (at most
 * {@link #MAX_WAITING} lines), so memory stays flat. An error line no access line claims is a failure of its
 * own; one claimed by a request that succeeded in the end (the proxy tried the next upstream) is counted as
 * recovered.
 */
final class Join {
    static final long WINDOW_SECONDS = 120;
    static final int MAX_WAITING = 100_000;
    /** The error line may be stamped a second after the access line that ends the same request. */
    private static final long SLACK_SECONDS = 1;

    private final Proxy proxy;
    private final ErrorSource errors;
    private final Sink sink;
    private final Counts counts;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Waiting>> byKey = new HashMap<>();
    private long recovered;

    private static final class Waiting {
        final ErrorLine line;
        boolean claimed;

        Waiting(ErrorLine line) {
            this.line = line;
        }
    }

    Join(Proxy proxy, ErrorSource errors, Sink sink, Counts counts) {
        this.proxy = proxy;
        this.errors = errors;
        this.sink = sink;
        this.counts = counts;
    }

    /** Error lines claimed by requests that succeeded after all. */
    long recovered() {
        return recovered;
    }

    void read(List<Path> accessLogs) throws IOException {
        CombinedLog.Scan scan = new CombinedLog.Scan();
        for (Path file : accessLogs) {
            try (LogLines in = new LogLines(file)) {
                while (in.next()) {
                    counts.lines++;
                    if (in.overlong()) {
                        counts.unrecognized++;
                        continue;
                    }
                    if (in.blank()) {
                        continue;
                    }
                    try {
                        CombinedLog.scan(in.latin1(), scan);
                        line(in, scan);
                    } catch (Unreadable e) {
                        counts.unrecognized++;
                    }
                }
            }
        }
        evict(Long.MAX_VALUE);
        ErrorLine rest;
        while ((rest = errors.take()) != null) {
            sink.accept(alone(rest)); // no access line is left to claim it
        }
    }

    private void line(LogLines in, CombinedLog.Scan scan) throws IOException, Unreadable {
        long t = scan.localSecond();
        ErrorLine next;
        while ((next = errors.peek()) != null && next.localSecond() <= t + SLACK_SECONDS) {
            wait(errors.take());
        }
        evict(t - WINDOW_SECONDS);
        List<ErrorLine> claimed = byKey.isEmpty() ? List.of() : claim(key(scan), t);
        if (scan.failed() || !claimed.isEmpty() && !recovered(scan.status, claimed.get(claimed.size() - 1))) {
            sink.accept(joined(in, scan, claimed));
        } else if (!claimed.isEmpty()) {
            recovered += claimed.size();
        }
    }

    /**
     * Whether the request succeeded after its error lines: another upstream answered. Not when the failure came
     * mid-body (the status logged is the one already sent: 200 with a cut body), nor when the status is not an
     * HTTP status at all (nginx logs 009 when it relays an answer that is not HTTP/1.x).
     */
    private static boolean recovered(int status, ErrorLine last) {
        return status >= 100 && last.error() != ErrorType.HTTP_RESPONSE_INCOMPLETE
                && last.error() != ErrorType.CONNECTION_READ_TIMEOUT && last.error() != ErrorType.HTTP_PROTOCOL_ERROR;
    }

    private String key(CombinedLog.Scan scan) {
        return proxy == Proxy.NGINX ? scan.client() + ' ' + scan.request() : scan.client();
    }

    private void wait(ErrorLine line) {
        Waiting w = new Waiting(line);
        waiting.addLast(w);
        byKey.computeIfAbsent(line.key(), k -> new ArrayDeque<>()).addLast(w);
    }

    /** Error lines stamped before {@code before}, and the oldest beyond the cap, stop waiting. */
    private void evict(long before) {
        while (!waiting.isEmpty()) {
            Waiting w = waiting.peekFirst();
            if (w.line.localSecond() >= before && waiting.size() <= MAX_WAITING) {
                return;
            }
            waiting.pollFirst();
            if (!w.claimed) {
                ArrayDeque<Waiting> same = byKey.get(w.line.key());
                if (same != null) {
                    same.remove(w);
                    if (same.isEmpty()) {
                        byKey.remove(w.line.key());
                    }
                }
                sink.accept(alone(w.line));
            }
        }
    }

    private List<ErrorLine> claim(String key, long t) {
        ArrayDeque<Waiting> same = byKey.get(key);
        if (same == null) {
            return List.of();
        }
        List<ErrorLine> out = new ArrayList<>(same.size());
        while (!same.isEmpty() && same.peekFirst().line.localSecond() <= t + SLACK_SECONDS) {
            Waiting w = same.pollFirst();
            w.claimed = true;
            out.add(w.line);
        }
        if (same.isEmpty()) {
            byKey.remove(key);
        }
        return out;
    }

    private Failure joined(LogLines in, CombinedLog.Scan scan, List<ErrorLine> claimed) {
        String[] mu = CombinedLog.methodAndUri(scan.request());
        String time = scan.isoTime();
        if (claimed.isEmpty()) {
            boolean abort = scan.status == 499;
            String detail = abort ? "the client closed the connection before the answer (nginx's 499)"
                    : errors.hasFiles()
                    ? "no error-log line for this request: the upstream answered " + scan.status + " itself"
                    : "the upstream answered " + scan.status + " itself, or the proxy did: pass the error log too to tell";
            return new Failure(in.source(), time, mu[0], mu[1], scan.status, null, null, null, null, detail, proxy, abort);
        }
        ErrorLine last = claimed.get(claimed.size() - 1);
        StringBuilder detail = new StringBuilder(last.message());
        if (claimed.size() > 1) {
            detail.append(" (after ").append(claimed.size() - 1).append(" earlier failed attempt(s): ");
            for (int i = 0; i < claimed.size() - 1; i++) {
                ErrorLine e = claimed.get(i);
                detail.append(i == 0 ? "" : ", ").append(e.error() == null ? "client abort" : e.error().token())
                        .append(e.upstream() == null ? "" : " at " + e.upstream());
            }
            detail.append(')');
        }
        detail.append(" [").append(last.source()).append(']');
        ErrorType type = last.error();
        return new Failure(in.source(), time, mu[0], mu[1], scan.status, type, last.upstream(), last.host(), null,
                detail.toString(), proxy, last.clientAbort() || type == null && scan.status == 499);
    }

    /** An error line with no access line: what the error log alone says. */
    private Failure alone(ErrorLine line) {
        String[] mu = line.request() == null ? new String[] {null, null} : CombinedLog.methodAndUri(line.request());
        return new Failure(line.source(), line.time(), mu[0], mu[1], null, line.error(), line.upstream(), line.host(),
                null, line.message(), proxy, line.clientAbort());
    }
}
