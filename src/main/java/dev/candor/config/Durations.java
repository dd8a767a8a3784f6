package dev.candor.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The config's duration syntax: whole numbers with a unit ({@code 250ms}, {@code 2s}, {@code 5m},
 * {@code 1h}, {@code 1d}), combined largest unit first ({@code 1h30m}), or a bare {@code 0}.
 */
public final class Durations {

    private static final String HINT = "(use e.g. 250ms, 2s, 5m or 1h30m)";
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    // Largest first: a composite must name each unit at most once, in this order, which catches
    // typos such as "30s1m" that are probably not what the operator meant.
    private static final String[] UNITS = {"d", "h", "m", "s", "ms"};

    private Durations() {
    }

    /**
     * Parses a duration written in the config syntax.
     *
     * @throws IllegalArgumentException with a message fit for an operator
     */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.isEmpty()) {
            throw notADuration(text);
        }
        if (text.matches("[0-9]+")) {
            throw new IllegalArgumentException("'" + text + "' has no unit (write e.g. " + text + "s or " + text + "ms)");
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("'" + text + "' is negative; durations are 0 or more");
        }
        if (text.matches("[0-9]*[.,][0-9]+[a-z]+")) {
            throw new IllegalArgumentException("'" + text + "' has a fraction; combine whole units instead (e.g. 1s500ms)");
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int position = 0;
        int lastUnit = -1;
        while (position < text.length()) {
            if (!m.find(position) || m.start() != position) {
                throw notADuration(text);
            }
            int unit = unitIndex(m.group(2));
            if (unit <= lastUnit) {
                throw notADuration(text);
            }
            lastUnit = unit;
            total = add(text, total, m.group(1), m.group(2));
            position = m.end();
        }
        return total;
    }

    /** Writes a duration back in the compact config syntax ({@code 1h30m}); parts below a millisecond are dropped. */
    public static String format(Duration duration) {
        requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration);
        }
        StringBuilder out = new StringBuilder();
        append(out, duration.toDays(), "d");
        append(out, duration.toHoursPart(), "h");
        append(out, duration.toMinutesPart(), "m");
        append(out, duration.toSecondsPart(), "s");
        append(out, duration.toMillisPart(), "ms");
        return out.length() == 0 ? "0" : out.toString();
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        throw new AssertionError(unit);
    }

    private static Duration add(String text, Duration total, String digits, String unit) {
        try {
            long amount = Long.parseLong(digits);
            Duration part = switch (unit) {
                case "d" -> Duration.ofDays(amount);
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            };
            return total.plus(part);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration " + HINT);
    }
}
