package dev.candor.proxy;

import dev.candor.config.PoolConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.failure.Cause;

import java.util.Locale;

/** The plain-language lines that go with a failure: what happened, and the limit that was hit. */
final class FailureTexts {

    /** A detail line, and the limit with both numbers (null when no limit was involved). */
    record Text(String detail, String limit) {
    }

    private FailureTexts() {
    }

    /** Says what a failure to get a connection means, ending with the OS or library error. */
    static Text connect(Cause cause, String endpoint, TimeoutsConfig timeouts, PoolConfig pool) {
        long connectNanos = timeouts.connect().toNanos();
        if (cause.phase() == dev.candor.failure.Phase.TLS) {
            // The classifier already wrote the whole reason (names, dates, alert) into the error.
            return new Text("TLS handshake with " + endpoint + " failed: " + cause.error(),
                    cause.signal() == dev.candor.failure.Signal.TIMED_OUT
                            ? "no completed TLS handshake after " + seconds(connectNanos) + " = timeouts.connect" : null);
        }
        String detail;
        String limit = null;
        switch (cause.signal()) {
            case REFUSED -> detail = "connect to " + endpoint + " refused: nothing listens on that address and port";
            case NO_ANSWER -> {
                detail = "connect to " + endpoint + " got no answer: the host is down or a firewall drops the packets";
                limit = "no answer to the connection attempt after " + seconds(connectNanos) + " = timeouts.connect";
            }
            case UNREACHABLE -> detail = "no network route to " + endpoint + " (unreachable, or rejected by a firewall)";
            case POOL_FULL -> {
                detail = "every connection to " + endpoint + " is busy";
                limit = pool.maxConnections() + " connections = pool.max_connections, waited "
                        + seconds(connectNanos) + " = timeouts.connect";
            }
            case DNS_FAILURE -> detail = "the name of " + endpoint + " did not resolve";
            default -> detail = "connect to " + endpoint + " failed";
        }
        return new Text(detail + " (" + cause.error() + ")", limit);
    }

    static String millis(long nanos) {
        return (nanos / 1_000_000) + "ms";
    }

    /** Seconds with milliseconds, as limits are quoted: {@code 30.000 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
