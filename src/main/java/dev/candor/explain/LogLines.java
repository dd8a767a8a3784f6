package dev.candor.explain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A log file read line by line in one pass through a fixed buffer, so memory stays flat however large the
 * file. Each line is first seen as ISO-8859-1 text (a byte copy, cheap enough to scan every line); the few
 * lines worth parsing are decoded again as UTF-8. A line longer than the buffer is skipped and reported as
 * {@link #overlong()}.
 */
final class LogLines implements AutoCloseable {
    static final int MAX_LINE = 1 << 20;

    private final Path file;
    private final InputStream in;
    private final byte[] buf = new byte[MAX_LINE];
    private int pos;
    private int limit;
    private boolean eof;
    private long number;
    private int lineStart;
    private int lineEnd;
    private boolean overlong;
    private String text;

    LogLines(Path file) throws IOException {
        this.file = file;
        this.in = Files.newInputStream(file);
    }

    Path file() {
        return file;
    }

    /** Moves to the next line; false at the end of the file. */
    boolean next() throws IOException {
        overlong = false;
        text = null;
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    return take(i, i + 1);
                }
            }
            if (eof) {
                return pos < limit && take(limit, limit);
            }
            if (pos == 0 && limit == buf.length) {
                skipRestOfLine();
                return true;
            }
            fill();
        }
    }

    private boolean take(int end, int next) {
        lineStart = pos;
        lineEnd = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
        pos = next;
        number++;
        return true;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    /** A line larger than the buffer: drop it up to its newline and report it as one overlong line. */
    private void skipRestOfLine() throws IOException {
        number++;
        overlong = true;
        lineStart = 0;
        lineEnd = 0;
        while (true) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                pos = 0;
                limit = 0;
                return;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    pos = i + 1;
                    limit = n;
                    return;
                }
            }
        }
    }

    long number() {
        return number;
    }

    /** Whether the current line was too long to read (its text is empty). */
    boolean overlong() {
        return overlong;
    }

    boolean blank() {
        for (int i = lineStart; i < lineEnd; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The current line as ISO-8859-1: one char per byte, the same offsets as the bytes. */
    String latin1() {
        if (text == null) {
            text = new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.ISO_8859_1);
        }
        return text;
    }

    /** The current line decoded as UTF-8 (malformed bytes replaced). */
    String utf8() {
        return new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
    }

    /** {@code FILE:LINE} of the current line. */
    String source() {
        return file + ":" + number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
