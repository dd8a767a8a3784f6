package dev.candor.upstream;

import dev.candor.config.OutlierConfig;
import dev.candor.failure.ErrorType;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Passive health for one upstream: the forwarder reports each attempt's outcome, and an endpoint that
 * fails {@code consecutive_failures} requests in a row is ejected for {@code base_ejection}, doubled on
 * each repeat and capped at {@code max_ejection}, as long as no more than {@code max_ejected_percent} of
 * the endpoints are ejected at once.
 */
public final class OutlierDetector {
    /** An endpoint that stayed out of ejection this many base ejections starts doubling from scratch. */
    static final int DECAY_BASE_EJECTIONS = 10;

    private final OutlierConfig config;
    private volatile List<EndpointHealth> endpoints;
    private final LongSupplier nanoClock;
    private final long decayNanos;
    /** Serialises ejection decisions, which look at every endpoint of the upstream; taken only at the threshold. */
    private final Object ejectLock = new Object();

    public OutlierDetector(OutlierConfig config, List<EndpointHealth> endpoints, LongSupplier nanoClock) {
        this.config = requireNonNull(config, "config");
        this.endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.decayNanos = saturatedNanos(config.baseEjection().multipliedBy(DECAY_BASE_EJECTIONS));
    }

    /** The endpoints to count against {@code max_ejected_percent} after a DNS change. */
    void endpoints(List<EndpointHealth> now) {
        this.endpoints = List.copyOf(now);
    }

    /** A request to the endpoint succeeded: its run of failures is over. */
    public void success(EndpointHealth endpoint) {
        if (config.enabled()) {
            endpoint.resetFailures();
        }
    }

    /**
     * A request to the endpoint failed. {@code upstream5xx} marks a 5xx response from the endpoint itself
     * (then {@code type} may be null); it counts only with {@code count_5xx}. Other failures count when
     * {@link #counts(ErrorType)} says they are the endpoint's fault. Failures that finish while the
     * endpoint is already ejected are stragglers and are ignored.
     *
     * @return whether this failure ejected the endpoint
     */
    public boolean failure(EndpointHealth endpoint, ErrorType type, boolean upstream5xx) {
        requireNonNull(endpoint, "endpoint");
        if (!config.enabled()) {
            return false;
        }
        boolean counted = upstream5xx ? config.count5xx() : counts(requireNonNull(type, "type"));
        long now = nanoClock.getAsLong();
        if (!counted || endpoint.isEjected(now)) {
            return false;
        }
        return endpoint.countFailure() >= config.consecutiveFailures() && tryEject(endpoint, now);
    }

    /**
     * Whether a failure of this type says something about the endpoint: failing to connect, timeouts,
     * connections cut and broken responses do; client faults, routing outcomes, Candor's own limits and
     * defects do not.
     */
    public static boolean counts(ErrorType type) {
        return switch (type) {
            case DNS_TIMEOUT, DNS_ERROR, DESTINATION_IP_UNROUTABLE,
                 CONNECTION_REFUSED, CONNECTION_TIMEOUT, TLS_PROTOCOL_ERROR, TLS_CERTIFICATE_ERROR,
                 HTTP_RESPONSE_TIMEOUT, CONNECTION_READ_TIMEOUT,
                 CONNECTION_TERMINATED, HTTP_RESPONSE_INCOMPLETE,
                 HTTP_PROTOCOL_ERROR, HTTP_RESPONSE_HEADER_SECTION_SIZE, HTTP_UPGRADE_FAILED -> true;
            case HTTP_REQUEST_ERROR, HTTP_REQUEST_DENIED,
                 DESTINATION_NOT_FOUND, DESTINATION_UNAVAILABLE,
                 CONNECTION_LIMIT_REACHED, PROXY_INTERNAL_ERROR -> false;
        };
    }

    private boolean tryEject(EndpointHealth endpoint, long now) {
        synchronized (ejectLock) {
            // Another loop may have ejected it, or a success reset the run, while we waited for the lock.
            if (endpoint.isEjected(now) || endpoint.consecutiveFailures() < config.consecutiveFailures()) {
                return false;
            }
            if (!roomForOneMore(now)) {
                // The count keeps growing, so the next failure ejects it as soon as another ejection ends.
                return false;
            }
            int previous = endpoint.ejectionCount(now);
            endpoint.eject(now, ejectionLength(previous), previous + 1, decayNanos);
            return true;
        }
    }

    private boolean roomForOneMore(long now) {
        List<EndpointHealth> endpoints = this.endpoints;
        int ejected = 0;
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).isEjected(now)) {
                ejected++;
            }
        }
        return (ejected + 1) * 100L <= (long) config.maxEjectedPercent() * endpoints.size();
    }

    /** {@code base × 2^previous}, capped at {@code max_ejection} (or at base when the cap is below it). */
    Duration ejectionLength(int previous) {
        Duration base = config.baseEjection();
        Duration cap = config.maxEjection().compareTo(base) < 0 ? base : config.maxEjection();
        Duration length = base;
        for (int i = 0; i < previous && length.compareTo(cap) < 0; i++) {
            length = length.multipliedBy(2);
        }
        return length.compareTo(cap) > 0 ? cap : length;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
