package dev.candor.explain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
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
    private final Map<String, ApacheErrorLog.Parsed> unfinished = new HashMap<>();
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
        return NginxErrorLog.parse(text, current.source());
    }

    private ErrorLine apache(String text) {
        if (!Shape.APACHE_ERROR.matches(text)) {
            counts.unrecognized++;
            return null;
        }
        ApacheErrorLog.Parsed p = ApacheErrorLog.parse(text, current.source());
        if (p == null) {
            return null;
        }
        ErrorLine line = p.line();
        ApacheErrorLog.Parsed before = unfinished.remove(p.thread());
        if (before != null && line.localSecond() - before.line().localSecond() > SAME_FAILURE_SECONDS) {
            before = null;
        }
        if (before != null) {
            ErrorLine b = before.line();
            line = new ErrorLine(line.localSecond(), line.time(), line.client() != null ? line.client() : b.client(),
                    null, b.upstream() != null ? b.upstream() : line.upstream(), false, null,
                    b.error() != null ? b.error() : line.error(), false, b.message() + "; " + line.message(), b.source());
        }
        if (line.client() == null) {
            if (unfinished.size() >= MAX_THREADS) {
                unfinished.clear();
            }
            unfinished.put(p.thread(), new ApacheErrorLog.Parsed(line, p.thread(), p.os()));
            return null;
        }
        return line.error() == null ? null : line;
    }

    /** At the end, an Apache failure no line with a client followed: on its own, without a client. */
    private ErrorLine leftOver() {
        for (Iterator<ApacheErrorLog.Parsed> it = unfinished.values().iterator(); it.hasNext(); ) {
            ErrorLine l = it.next().line();
            it.remove();
            if (l.error() != null) {
                return l;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
