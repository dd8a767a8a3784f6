package dev.candor.observe;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.RandomAccessFileAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

import static java.util.Objects.requireNonNull;

/**
 * Writes the access-log file through Log4j2's {@link RandomAccessFileAppender} and swaps it for a fresh
 * one when a {@link ReopenRequest} comes through the ring buffer, as logrotate needs: the request is
 * ordered among the lines, so every line queued before it lands in the old (renamed) file, every line
 * after it in the new one, and none is lost or written twice. All of this runs on the writer thread,
 * which is the only one that ever touches the file.
 */
final class ReopenableFileAppender extends AbstractAppender {
    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final Path file;
    private final Layout<? extends Serializable> layout;
    private RandomAccessFileAppender current;

    private ReopenableFileAppender(String name, Path file, Layout<? extends Serializable> layout) {
        super(name, null, null, true, Property.EMPTY_ARRAY);
        this.file = file;
        this.layout = layout;
        this.current = open(file, layout);
    }

    /** An appender writing lines ({@code %m%n}, UTF-8) to the end of {@code file}; not yet started. */
    static ReopenableFileAppender of(String name, Path file) {
        requireNonNull(file, "file");
        Layout<? extends Serializable> layout = PatternLayout.newBuilder()
                .withPattern("%m%n")
                .withCharset(StandardCharsets.UTF_8)
                .build();
        return new ReopenableFileAppender(name, file, layout);
    }

    private static RandomAccessFileAppender open(Path file, Layout<? extends Serializable> layout) {
        RandomAccessFileAppender appender = RandomAccessFileAppender.newBuilder()
                .setName("file")
                .setFileName(file.toString())
                .setAppend(true)
                // no flush per line: the appender flushes when the writer thread reaches the end of a batch
                .setImmediateFlush(false)
                .setLayout(layout)
                .build();
        if (appender == null) {
            // Log4j2 reports why on its status logger and returns nothing
            throw new IllegalStateException("Log4j2 could not open " + file + " for the access log");
        }
        appender.start();
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        if (event.getMessage() instanceof ReopenRequest request) {
            reopen(request);
        } else {
            current.append(event);
        }
    }

    private void reopen(ReopenRequest request) {
        // Open the path first and keep writing to the old file if that fails (a missing directory, a
        // full disk): a renamed file that keeps growing is better than lines written nowhere.
        try {
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        } catch (IOException | RuntimeException e) {
            request.fail(new IOException("cannot reopen " + file + " (" + e + "); lines keep going to the file"
                    + " that was open before", e));
            return;
        }
        try {
            // Log4j2 shares one file manager per file name, so the old one must be closed (flushing what it
            // buffered into the renamed file) before the new appender can open the path afresh.
            current.stop(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            current = open(file, layout);
            request.complete(Optional.of(file));
        } catch (RuntimeException e) {
            request.fail(new IOException("reopening " + file + " failed: " + e, e));
        }
    }

    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = current.stop(timeout, timeUnit);
        setStopped();
        return stopped;
    }
}
