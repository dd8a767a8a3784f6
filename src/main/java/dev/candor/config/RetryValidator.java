package dev.candor.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Checks an upstream's {@code retries}: how many, on which failures, within which budget and per-try timeout. */
final class RetryValidator {

    // More would multiply one client request into a storm against a struggling upstream.
    private static final int MAX_ATTEMPTS = 10;
    private static final String CONDITIONS = Arrays.stream(RetryConfig.On.values())
            .map(RetryConfig.On::configName).collect(Collectors.joining(", "));

    private final Problems problems;
    private final Values values;

    RetryValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    /**
     * @param responseTimeout the upstream's {@code timeouts.response}, or null when it could not be read
     */
    RetryConfig validate(String path, RawConfig.Retries raw, Duration responseTimeout) {
        RetryConfig d = RetryConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        int attempts = values.integer(ConfigPath.child(path, "attempts"), raw.attempts, d.attempts(), 0, MAX_ATTEMPTS);
        Set<RetryConfig.On> on = on(ConfigPath.child(path, "on"), raw.on);
        int budget = values.integer(ConfigPath.child(path, "budget_percent"), raw.budgetPercent, d.budgetPercent(), 0, 100);
        String perTryPath = ConfigPath.child(path, "per_try_timeout");
        Duration perTry = values.duration(perTryPath, raw.perTryTimeout, d.perTryTimeout());
        // A zero response timeout means none, so any per-try timeout is shorter.
        if (responseTimeout != null && !responseTimeout.isZero() && perTry.compareTo(responseTimeout) > 0) {
            problems.at(perTryPath, "must not be longer than timeouts.response (" + Durations.format(responseTimeout)
                    + "), was " + Durations.format(perTry));
        }
        return new RetryConfig(attempts, on, budget, perTry);
    }

    /** The retry conditions listed at {@code path}; the defaults when absent. */
    Set<RetryConfig.On> on(String path, List<String> raw) {
        if (raw == null) {
            return RetryConfig.DEFAULTS.on();
        }
        if (raw.isEmpty()) {
            problems.at(path, "empty list; remove the key for the default, or set attempts: 0 to turn retries off");
            return RetryConfig.DEFAULTS.on();
        }
        Set<RetryConfig.On> on = EnumSet.noneOf(RetryConfig.On.class);
        for (int i = 0; i < raw.size(); i++) {
            String itemPath = ConfigPath.index(path, i);
            if (raw.get(i) == null) {
                problems.at(itemPath, "empty entry; expected one of: " + CONDITIONS);
                continue;
            }
            String text = values.text(itemPath, raw.get(i));
            if (text == null) {
                continue;
            }
            RetryConfig.On condition = Arrays.stream(RetryConfig.On.values())
                    .filter(c -> c.configName().equals(text)).findFirst().orElse(null);
            if (condition == null) {
                problems.at(itemPath, "'" + text + "' is not a retry condition (expected one of: " + CONDITIONS + ")");
            } else {
                on.add(condition);
            }
        }
        return on;
    }
}
