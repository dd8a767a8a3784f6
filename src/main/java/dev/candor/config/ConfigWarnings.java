package dev.candor.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Things in a valid config that are probably not what the operator meant. They do not stop Candor
 * (`candor check` prints them and exits 0), because each can be deliberate.
 */
public final class ConfigWarnings {

    private ConfigWarnings() {
    }

    /** Certificates that expire sooner than this are worth a warning. */
    static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(30);

    public static List<String> of(CandorConfig config) {
        return of(config, java.time.Instant.now());
    }

    /** The warnings as of {@code now} (certificate expiry depends on it). */
    public static List<String> of(CandorConfig config, java.time.Instant now) {
        List<String> warnings = new ArrayList<>();
        TlsWarnings.add(config, now, EXPIRY_WARNING, warnings);
        Set<String> used = new HashSet<>();
        boolean catchAllSeen = false;
        String catchAll = null;
        for (RouteConfig r : config.routes()) {
            used.addAll(r.upstreams());
            if (r.actions().mirror() != null) {
                used.add(r.actions().mirror().upstream());
            }
            if (catchAllSeen) {
                warnings.add("routes." + r.name() + " can never match: route '" + catchAll
                        + "' before it matches every request (first match wins)");
            }
            MatchConfig m = r.match();
            if (!catchAllSeen && m.matchesEverything()) {
                catchAllSeen = true;
                catchAll = r.name();
            }
        }
        for (UpstreamConfig u : config.upstreams().values()) {
            String at = "upstreams." + u.name();
            if (!used.contains(u.name())) {
                warnings.add(at + " is not used by any route");
            }
            HealthCheckConfig check = u.healthCheck();
            long response = u.timeouts().response().toMillis();
            if (check != null && response > 0 && check.timeout().toMillis() > response) {
                warnings.add(at + ".timeouts.response (" + Durations.format(u.timeouts().response())
                        + ") is below health_check.timeout (" + Durations.format(check.timeout())
                        + "): an endpoint can pass its checks while real requests time out");
            }
            if (u.endpoints().size() == 1 && u.retries().attempts() > 0
                    && !u.retries().on().isEmpty() && u.whenAllUnhealthy() == UpstreamConfig.AllUnhealthy.FAIL
                    && u.outlierDetection().enabled() && u.outlierDetection().maxEjectedPercent() >= 100) {
                warnings.add(at + " has one endpoint that outlier detection may eject (max_ejected_percent 100)"
                        + " with when_all_unhealthy: fail: every request would then get 503");
            }
            if (u.pool().idleTimeout().toSeconds() >= 60) {
                warnings.add(at + ".pool.idle_timeout is " + Durations.format(u.pool().idleTimeout())
                        + ": many backends close idle connections sooner (Node.js and Apache after 5 s);"
                        + " keep it below the backend's keep-alive timeout");
            }
        }
        AdminConfig admin = config.admin();
        if (admin.enabled() && admin.token() == null && !isLoopback(admin.address().host())) {
            warnings.add("admin.address " + admin.address() + " is reachable from other hosts and admin.token is"
                    + " not set: anyone who can connect can reload the config and drain endpoints");
        }
        return warnings;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
