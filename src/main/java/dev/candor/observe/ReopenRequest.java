package dev.candor.observe;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.logging.log4j.message.AsynchronouslyFormattable;
import org.apache.logging.log4j.message.Message;

/**
 * A request to reopen the access-log file, sent through the same ring buffer as the lines so that it
 * takes its place among them; never written to the file. Completes on the writer thread.
 */
@AsynchronouslyFormattable
final class ReopenRequest implements Message {
    private final CompletableFuture<Optional<Path>> done = new CompletableFuture<>();

    CompletableFuture<Optional<Path>> done() {
        return done;
    }

    void complete(Optional<Path> file) {
        done.complete(file);
    }

    void fail(Throwable why) {
        done.completeExceptionally(why);
    }

    @Override
    public String getFormattedMessage() {
        return "(reopen the access log)";
    }

    @Override
    public Object[] getParameters() {
        return null;
    }

    @Override
    public Throwable getThrowable() {
        return null;
    }
}
