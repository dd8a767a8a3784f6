package dev.candor.upstream;

import java.util.Locale;

/** Whether an endpoint is in rotation, as shown by the admin API; only {@link #HEALTHY} takes new requests. */
public enum EndpointState {
    /** In rotation. */
    HEALTHY,
    /** Active health checks failed {@code unhealthy_threshold} times in a row. */
    UNHEALTHY,
    /** Passive outlier detection took it out for a while after consecutive failed requests. */
    EJECTED,
    /** An operator took it out; requests already in flight finish. Overrides every other state. */
    DRAINING;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in JSON and logs, e.g. {@code ejected}. */
    public String token() {
        return token;
    }
}
