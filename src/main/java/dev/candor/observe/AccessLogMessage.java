package dev.candor.observe;

import org.apache.logging.log4j.message.AsynchronouslyFormattable;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.util.StringBuilderFormattable;

/**
 * Carries an entry through the Log4j2 ring buffer and encodes it only when the writer thread asks:
 * {@code AsynchronouslyFormattable} tells Log4j2 not to format it on the event loop, and
 * {@code StringBuilderFormattable} lets the layout encode straight into its reused buffer.
 */
@AsynchronouslyFormattable
final class AccessLogMessage implements Message, StringBuilderFormattable {

    private final AccessLogEntry entry;

    AccessLogMessage(AccessLogEntry entry) {
        this.entry = entry;
    }

    @Override
    public void formatTo(StringBuilder buffer) {
        AccessLogFormat.appendJson(buffer, entry);
    }

    @Override
    public String getFormattedMessage() {
        return AccessLogFormat.toJson(entry);
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
