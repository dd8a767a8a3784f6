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
    /** How many keys in {@link #byKey} have each hash: a line whose hash is absent has nothing waiting for it. */
    private final Map<Integer, Integer> keyHashes = new HashMap<>();
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
        // nginx stamps the access line when the request ends, Apache httpd when it begins
        long ahead = proxy == Proxy.NGINX ? SLACK_SECONDS : WINDOW_SECONDS;
        while ((next = errors.peek()) != null && next.localSecond() <= t + ahead) {
            wait(errors.take());
        }
        evict(t - WINDOW_SECONDS);
        List<ErrorLine> claimed = byKey.isEmpty() || !maybeWaiting(scan) ? List.of()
                : proxy == Proxy.NGINX ? claim(key(scan), t) : claimFirst(key(scan), t, scan.status);
        if (scan.failed() || !claimed.isEmpty() && !recovered(scan.status, claimed.get(proxy == Proxy.NGINX ? claimed.size() - 1 : 0))) {
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
    private static boolean recovered(int status, ErrorLine cause) {
        ErrorLine last = cause;
        return status >= 100 && last.error() != ErrorType.HTTP_RESPONSE_INCOMPLETE
                && last.error() != ErrorType.CONNECTION_READ_TIMEOUT && last.error() != ErrorType.HTTP_PROTOCOL_ERROR;
    }

    /**
     * Whether an error line may wait for this access line, without building its key: most lines went well and
     * no error line names their client and request, and this check costs no allocation.
     */
    private boolean maybeWaiting(CombinedLog.Scan scan) {
        return keyHashes.containsKey(keyHash(scan.line, 0, scan.line.indexOf(' '),
                proxy == Proxy.NGINX ? scan.requestStart : 0, proxy == Proxy.NGINX ? scan.requestEnd : 0));
    }

    /** The hash of the key of an access line (client, then request line) or of an error line, computed alike. */
    private static int keyHash(String text, int clientStart, int clientEnd, int requestStart, int requestEnd) {
        int h = 1;
        for (int i = clientStart; i < clientEnd; i++) {
            h = 31 * h + text.charAt(i);
        }
        h = 31 * h + ' ';
        for (int i = requestStart; i < requestEnd; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h;
    }

    private static int keyHash(ErrorLine line) {
        String client = String.valueOf(line.client());
        String request = line.request() == null ? "" : line.request();
        return keyHash(client + request, 0, client.length(), client.length(), client.length() + request.length());
    }

    private String key(CombinedLog.Scan scan) {
        return proxy == Proxy.NGINX ? scan.client() + ' ' + scan.request() : scan.client();
    }

    private void wait(ErrorLine line) {
        Waiting w = new Waiting(line);
        waiting.addLast(w);
        byKey.computeIfAbsent(line.key(), k -> {
            keyHashes.merge(keyHash(line), 1, Integer::sum);
            return new ArrayDeque<>();
        }).addLast(w);
    }

    private void forget(String key, ErrorLine line) {
        byKey.remove(key);
        keyHashes.computeIfPresent(keyHash(line), (h, n) -> n == 1 ? null : n - 1);
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
                        forget(w.line.key(), w.line);
                    }
                }
                sink.accept(alone(w.line));
            }
        }
    }

    /**
     * Apache httpd: the earliest failure of this client at or after the second the request began, one per
     * request, and one that fits the status (see {@link #fits}). Its access log stamps the start and names no
     * upstream, so two failing requests of one client in the same second can swap their causes.
     */
    private List<ErrorLine> claimFirst(String key, long start, int status) {
        ArrayDeque<Waiting> same = byKey.get(key);
        if (same == null) {
            return List.of();
        }
        Waiting best = null;
        for (Waiting w : same) {
            if (w.line.localSecond() >= start && fits(status, w.line.error())
                    && (best == null || w.line.sequence() < best.line.sequence())) {
                best = w;
            }
        }
        if (best == null) {
            return List.of();
        }
        same.remove(best);
        best.claimed = true;
        if (same.isEmpty()) {
            forget(key, best.line);
        }
        return List.of(best.line);
    }

    /**
     * Whether Apache httpd answers {@code status} after this failure: 503 when no connection was made, 502 or
     * 504 when the answer's head failed, the status already sent (below 500) when the body was cut.
     */
    static boolean fits(int status, ErrorType type) {
        return switch (type) {
            case HTTP_RESPONSE_INCOMPLETE, CONNECTION_READ_TIMEOUT -> status < 500;
            case CONNECTION_REFUSED, CONNECTION_TIMEOUT, DESTINATION_IP_UNROUTABLE, DESTINATION_UNAVAILABLE,
                 CONNECTION_LIMIT_REACHED -> status == 503;
            case CONNECTION_TERMINATED, HTTP_RESPONSE_TIMEOUT, HTTP_RESPONSE_HEADER_SECTION_SIZE, HTTP_PROTOCOL_ERROR ->
                    status >= 500 && status != 503;
            case DNS_ERROR, DNS_TIMEOUT, TLS_PROTOCOL_ERROR, TLS_CERTIFICATE_ERROR, HTTP_UPGRADE_FAILED,
                 DESTINATION_NOT_FOUND, HTTP_REQUEST_ERROR, HTTP_REQUEST_DENIED, PROXY_INTERNAL_ERROR -> status >= 500;
        };
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
            forget(key, out.get(0));
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
        // nginx writes one line per attempt: the last one ended the request. Apache httpd writes the cause first,
        // then lines that restate it in general terms (AH00898, AH01106)
        ErrorLine last = proxy == Proxy.NGINX ? claimed.get(claimed.size() - 1) : claimed.get(0);
        StringBuilder detail = new StringBuilder(last.message());
        if (proxy == Proxy.APACHE) {
            for (int i = 1; i < claimed.size(); i++) {
                detail.append("; ").append(claimed.get(i).message());
            }
        } else if (claimed.size() > 1) {
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
