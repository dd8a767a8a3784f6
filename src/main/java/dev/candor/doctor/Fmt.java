package dev.candor.doctor;

import dev.candor.config.Durations;

import java.time.Duration;
import java.util.Locale;

/** Numbers as the report prints them: measured times with a space before the unit, config values as written. */
final class Fmt {

    private Fmt() {
    }

    /** A measured time, e.g. {@code 12.3 ms}. */
    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** A measured time in milliseconds as a JSON number with one decimal. */
    static double msValue(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    /** A measured time in seconds, e.g. {@code 1.0 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** A config duration in the config's own syntax, e.g. {@code 200ms}. */
    static String config(Duration d) {
        return Durations.format(d);
    }
}
