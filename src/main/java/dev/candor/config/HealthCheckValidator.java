package dev.candor.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** Checks an upstream's {@code health_check}: probe type and request, timing, thresholds and passing statuses. */
final class HealthCheckValidator {

    private static final HealthCheckConfig DEFAULTS = HealthCheckConfig.http("/");
    private static final Pattern STATUSES = Pattern.compile("([0-9]{1,9})(?:-([0-9]{1,9}))?");
    // A Host header is a host name, IPv4 or bracketed IPv6 literal, optionally with a port (RFC 9110 section 7.2).
    private static final Pattern HOST_HEADER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?");

    private final Problems problems;
    private final Values values;

    HealthCheckValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    /** The checks, or null when {@code health_check} is absent (no active checks). */
    HealthCheckConfig validate(String path, RawConfig.HealthCheck raw) {
        if (raw == null) {
            return null;
        }
        HealthCheckConfig.Mode mode = mode(ConfigPath.child(path, "type"), raw.type);
        String probePath = null;
        String host = null;
        Statuses statuses = Statuses.DEFAULT;
        if (mode == HealthCheckConfig.Mode.HTTP) {
            probePath = probePath(path, raw.path);
            host = host(ConfigPath.child(path, "host"), raw.host);
            statuses = statuses(ConfigPath.child(path, "expect_status"), raw.expectStatus);
        } else if (mode == HealthCheckConfig.Mode.TCP) {
            httpOnly(ConfigPath.child(path, "path"), raw.path);
            httpOnly(ConfigPath.child(path, "host"), raw.host);
            httpOnly(ConfigPath.child(path, "expect_status"), raw.expectStatus);
        }
        String intervalPath = ConfigPath.child(path, "interval");
        String timeoutPath = ConfigPath.child(path, "timeout");
        Duration interval = values.positiveDuration(intervalPath, raw.interval, DEFAULTS.interval());
        Duration timeout = values.positiveDuration(timeoutPath, raw.timeout, DEFAULTS.timeout());
        if (timeout.compareTo(interval) > 0 && !problems.hasAt(intervalPath) && !problems.hasAt(timeoutPath)) {
            // Point at whichever of the two was written; a probe may not outlast the gap to the next one.
            if (raw.timeout != null) {
                problems.at(timeoutPath, "must not be longer than interval (" + describe(interval, raw.interval)
                        + "), was " + Durations.format(timeout));
            } else {
                problems.at(intervalPath, "must not be shorter than timeout (" + describe(timeout, null)
                        + "), was " + Durations.format(interval));
            }
        }
        int healthy = values.integer(ConfigPath.child(path, "healthy_threshold"), raw.healthyThreshold,
                DEFAULTS.healthyThreshold(), 1, Integer.MAX_VALUE);
        int unhealthy = values.integer(ConfigPath.child(path, "unhealthy_threshold"), raw.unhealthyThreshold,
                DEFAULTS.unhealthyThreshold(), 1, Integer.MAX_VALUE);
        return new HealthCheckConfig(mode == null ? HealthCheckConfig.Mode.HTTP : mode, probePath, host, interval, timeout,
                healthy, unhealthy, statuses.from(), statuses.to());
    }

    /** The probe type; null when it is not one (then no type-specific checks follow). */
    private HealthCheckConfig.Mode mode(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            return raw == null ? HealthCheckConfig.Mode.HTTP : null;
        }
        return switch (text) {
            case "http" -> HealthCheckConfig.Mode.HTTP;
            case "tcp" -> HealthCheckConfig.Mode.TCP;
            default -> {
                problems.at(path, "expected http or tcp, found '" + text + "'");
                yield null;
            }
        };
    }

    private String probePath(String checkPath, String raw) {
        if (raw == null) {
            problems.missing(checkPath, "path");
            return null;
        }
        String path = ConfigPath.child(checkPath, "path");
        String text = values.text(path, raw);
        if (text == null) {
            return null;
        }
        if (!text.startsWith("/")) {
            problems.at(path, "'" + text + "' must start with '/'");
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                problems.at(path, "'" + text + "' contains a space or control character (percent-encode it)");
                return null;
            }
            if (c == '#') {
                problems.at(path, "'" + text + "' contains '#'; a request never carries a fragment");
                return null;
            }
        }
        return text;
    }

    private String host(String path, String raw) {
        String text = values.text(path, raw);
        if (text != null && !HOST_HEADER.matcher(text).matches()) {
            problems.at(path, "'" + text + "' is not a host name, optionally with :port");
            return null;
        }
        return text;
    }

    /** The passing statuses, from {@code 200} or {@code 200-399}. */
    private Statuses statuses(String path, String raw) {
        Statuses fallback = Statuses.DEFAULT;
        String text = values.text(path, raw);
        if (text == null) {
            return fallback;
        }
        Matcher m = STATUSES.matcher(text);
        if (!m.matches()) {
            problems.at(path, "'" + text + "' is not a status or a range of statuses (use e.g. 200 or 200-399)");
            return fallback;
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        for (int status : new int[] {from, to}) {
            if (status < 100 || status > 599) {
                problems.at(path, "'" + text + "': status " + status + " out of range 100-599");
                return fallback;
            }
        }
        if (from > to) {
            problems.at(path, "'" + text + "' is an empty range (write the lower status first: " + to + "-" + from + ")");
            return fallback;
        }
        return new Statuses(from, to);
    }

    private void httpOnly(String path, String raw) {
        if (raw != null) {
            problems.at(path, "only http checks use this; remove it or set type: http");
        }
    }

    private static String describe(Duration value, String raw) {
        return raw == null ? Durations.format(value) + ", the default" : Durations.format(value);
    }

    /** The lowest and highest passing status, both inclusive. */
    private record Statuses(int from, int to) {
        static final Statuses DEFAULT = new Statuses(DEFAULTS.expectStatusFrom(), DEFAULTS.expectStatusTo());
    }
}
