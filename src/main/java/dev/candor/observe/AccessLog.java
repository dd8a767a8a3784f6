package dev.candor.observe;

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
