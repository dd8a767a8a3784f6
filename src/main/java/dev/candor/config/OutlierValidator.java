package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** Checks an upstream's {@code outlier_detection}: when an endpoint is ejected, for how long, and how many may be. */
final class OutlierValidator {

    private final Problems problems;
    private final Values values;

    OutlierValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    OutlierConfig validate(String path, RawConfig.OutlierDetection raw) {
        if (raw == null) {
            return OutlierConfig.DEFAULTS;
        }
        if (raw.shorthand != null) {
            String text = values.text(path, raw.shorthand);
            if (text != null && !text.equals("off")) {
                problems.at(path, "expected off or a mapping of keys, found '" + text + "'");
            }
            return OutlierConfig.OFF;
        }
        OutlierConfig d = OutlierConfig.DEFAULTS;
        String basePath = ConfigPath.child(path, "base_ejection");
        String maxPath = ConfigPath.child(path, "max_ejection");
        int failures = values.integer(ConfigPath.child(path, "consecutive_failures"), raw.consecutiveFailures,
                d.consecutiveFailures(), 0, Integer.MAX_VALUE);
        boolean count5xx = values.bool(ConfigPath.child(path, "count_5xx"), raw.count5xx, d.count5xx());
        Duration base = values.duration(basePath, raw.baseEjection, d.baseEjection());
        Duration max = values.duration(maxPath, raw.maxEjection, d.maxEjection());
        int percent = values.integer(ConfigPath.child(path, "max_ejected_percent"), raw.maxEjectedPercent,
                d.maxEjectedPercent(), 0, 100);
        if (failures == 0) {
            // One record means "off", however it was spelt; the other settings have no effect then.
            return OutlierConfig.OFF;
        }
        if (base.isZero()) {
            problems.at(basePath, "must be more than 0 (to turn outlier detection off, write outlier_detection: off)");
        } else if (max.compareTo(base) < 0 && !problems.hasAt(basePath) && !problems.hasAt(maxPath)) {
            // Point at whichever of the two was written.
            if (raw.maxEjection != null) {
                problems.at(maxPath, "must not be shorter than base_ejection (" + Durations.format(base)
                        + (raw.baseEjection == null ? ", the default" : "") + "), was " + Durations.format(max));
            } else {
                problems.at(basePath, "must not be longer than max_ejection (" + Durations.format(max)
                        + ", the default), was " + Durations.format(base));
            }
        }
        return new OutlierConfig(failures, count5xx, base, max, percent);
    }
}
