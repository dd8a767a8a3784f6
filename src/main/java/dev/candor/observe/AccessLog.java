package dev.candor.observe;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where finished requests are recorded. {@link #log} is called on an event loop and must never block
 * it: implementations hand the entry to a background writer.
 */
public interface AccessLog extends AutoCloseable {

    /** Records one finished request. Never blocks and never throws. */
    void log(AccessLogEntry entry);

    /** Lines dropped so far because the writer could not keep up, or because they came after close. */
    default long dropped() {
        return 0;
    }

    /**
     * Reopens the file this log writes to, for logrotate: lines logged before the call go to the file
     * that was open (renamed or not), lines after it to a file opened afresh at the configured path.
     * Call it off the event loops. Completes with the path reopened, or empty when this log writes to no
     * file; fails when the path cannot be opened, and the log then keeps writing to the old file.
     */
    default CompletableFuture<Optional<Path>> reopen() {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** Flushes what is queued and releases the output. */
    @Override
    void close();

    /** An access log that drops everything ({@code access_log: off}). */
    static AccessLog off() {
        return new AccessLog() {
            @Override
            public void log(AccessLogEntry entry) {
            }

            @Override
            public void close() {
            }
        };
    }
}
