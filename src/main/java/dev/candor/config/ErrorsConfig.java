package dev.candor.config;

import static java.util.Objects.requireNonNull;

/** How much of a failure Candor tells clients (the full evidence always goes to the log). */
public record ErrorsConfig(Expose expose) {
    public static final ErrorsConfig DEFAULTS = new ErrorsConfig(Expose.TYPE);

    public ErrorsConfig {
        requireNonNull(expose, "expose");
    }

    /** What {@code Proxy-Status} and error bodies carry. */
    public enum Expose {
        /** No {@code Proxy-Status} header; error bodies give the status only. */
        NONE,
        /** The RFC 9209 error type, in {@code Proxy-Status} and the body. */
        TYPE,
        /** The type plus the detail and the next hop (backend address): for internal services only. */
        DETAILS
    }
}
