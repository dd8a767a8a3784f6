package dev.candor.upstream;

import dev.candor.failure.ErrorType;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one active health check of one endpoint, fed to {@link EndpointHealth#probe}.
 *
 * @param time wall-clock time the probe finished
 * @param ok whether it passed
 * @param error why it failed when the failure has an error type (refused, timed out...); null when it
 *              passed or failed only on an unexpected status
 * @param detail a short human note, e.g. {@code status 503}; may be null
 * @param latencyNanos how long the probe took
 */
public record ProbeRecord(Instant time, boolean ok, ErrorType error, String detail, long latencyNanos) {

    public ProbeRecord {
        requireNonNull(time, "time");
        if (ok && error != null) {
            throw new IllegalArgumentException("a passing probe has no error type: " + error.token());
        }
    }

    public static ProbeRecord passed(Instant time, long latencyNanos) {
        return new ProbeRecord(time, true, null, null, latencyNanos);
    }

    public static ProbeRecord failed(Instant time, ErrorType error, String detail, long latencyNanos) {
        return new ProbeRecord(time, false, error, detail, latencyNanos);
    }

    /** The error type's token, else the detail, else {@code failed}; empty for a passing probe. */
    public String reason() {
        if (ok) {
            return "";
        }
        if (error != null) {
            return error.token();
        }
        return detail != null ? detail : "failed";
    }
}
