package dev.candor.explain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The classified lines of one proxy's error logs, in file order, one at a time with a look-ahead. For Apache
 * httpd, the lines of one thread that belong to one failure (a connect error without the client, then the
 * line that names the client) become one line carrying the first one's type.
 */
final class ErrorSource implements AutoCloseable {
    /** Lines of one thread further apart than this are two failures. */
    private static final long SAME_FAILURE_SECONDS = 2;
    private static final int MAX_THREADS = 4096;

    private final Proxy proxy;
    private final boolean hasFiles;
    private final Iterator<Path> files;
    private final Counts counts;
    /** Apache httpd: the failure each thread is writing about, until its lines stop. */
    private final Map<String, ApacheErrorLog.Parsed> open = new LinkedHashMap<>();
    private final ArrayDeque<ErrorLine> ready = new ArrayDeque<>();
    private LogLines current;
    private ErrorLine peeked;

    ErrorSource(Proxy proxy, List<Path> files, Counts counts) {
        this.proxy = proxy;
        this.hasFiles = !files.isEmpty();
        this.files = files.iterator();
        this.counts = counts;
    }

    /** Whether any error log was given (without one, a 5xx cannot be told apart). */
    boolean hasFiles() {
        return hasFiles;
    }

    /** The next line without taking it, or null at the end. */
    ErrorLine peek() throws IOException {
        if (peeked == null) {
            peeked = read();
        }
        return peeked;
    }

    ErrorLine take() throws IOException {
        ErrorLine l = peek();
        peeked = null;
        return l;
    }

    private ErrorLine read() throws IOException {
        if (!ready.isEmpty()) {
            return ready.poll();
        }
        while (true) {
            if (current == null) {
                if (!files.hasNext()) {
                    return leftOver();
                }
                current = new LogLines(files.next());
            }
            if (!current.next()) {
                current.close();
                current = null;
                continue;
            }
            counts.lines++;
            if (current.overlong()) {
                counts.unrecognized++;
                continue;
            }
            if (current.blank()) {
                continue;
            }
            String text = current.utf8();
            ErrorLine line = proxy == Proxy.NGINX ? nginx(text) : apache(text);
            if (line != null) {
                return line;
            }
        }
    }

    private ErrorLine nginx(String text) {
        if (!Shape.NGINX_ERROR.matches(text)) {
            counts.unrecognized++;
            return null;
        }
        return NginxErrorLog.parse(text, current.source(), current.number());
    }

    private ErrorLine apache(String text) {
        if (!Shape.APACHE_ERROR.matches(text)) {
            counts.unrecognized++;
            return ready.poll();
        }
        ApacheErrorLog.Parsed p = ApacheErrorLog.parse(text, current.source(), current.number());
        if (p != null) {
            long now = p.line().localSecond();
            for (Iterator<ApacheErrorLog.Parsed> it = open.values().iterator(); it.hasNext(); ) {
                ApacheErrorLog.Parsed o = it.next();
                if (o.line().localSecond() < now - SAME_FAILURE_SECONDS) {
                    it.remove();
                    finish(o);
                }
            }
            ApacheErrorLog.Parsed before = open.get(p.thread());
            // a request's lines: those without the client first (connect), then those naming it
            if (before != null && (before.clientPort() == null
                    || p.clientPort() != null && p.clientPort().equals(before.clientPort()))) {
                open.put(p.thread(), merge(before, p));
            } else {
                if (before != null) {
                    finish(before);
                }
                if (open.size() >= MAX_THREADS) {
                    Iterator<ApacheErrorLog.Parsed> oldest = open.values().iterator();
                    finish(oldest.next());
                    oldest.remove();
                }
                open.put(p.thread(), p);
            }
        }
        return ready.poll();
    }

    /** Lines of one thread about one request: the first line's cause, every line's words. */
    private static ApacheErrorLog.Parsed merge(ApacheErrorLog.Parsed a, ApacheErrorLog.Parsed b) {
        ErrorLine x = a.line();
        ErrorLine y = b.line();
        ErrorLine merged = new ErrorLine(x.sequence(), x.localSecond(), x.time(), x.client() != null ? x.client() : y.client(), null,
                x.upstream() != null ? x.upstream() : y.upstream(), false, null, x.error() != null ? x.error() : y.error(),
                false, x.message() + "; " + y.message(), x.source());
        return new ApacheErrorLog.Parsed(merged, a.thread(), a.clientPort() != null ? a.clientPort() : b.clientPort());
    }

    private void finish(ApacheErrorLog.Parsed event) {
        if (event.line().error() != null) {
            ready.add(event.line());
        }
    }

    /** At the end: the Apache failures still open, then nothing. */
    private ErrorLine leftOver() {
        for (ApacheErrorLog.Parsed o : open.values()) {
            finish(o);
        }
        open.clear();
        return ready.poll();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
