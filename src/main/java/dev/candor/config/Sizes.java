package dev.candor.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The config's size syntax: a plain number of bytes ({@code 4096}) or a whole number with a
 * case-sensitive unit: {@code B}, binary {@code KiB MiB GiB} or decimal {@code KB MB GB}.
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("([0-9]+)([A-Za-z]*)");
    private static final Map<String, Long> UNITS = Map.of(
            "", 1L, "B", 1L,
            "KiB", 1024L, "MiB", 1024L * 1024, "GiB", 1024L * 1024 * 1024,
            "KB", 1000L, "MB", 1000L * 1000, "GB", 1000L * 1000 * 1000);

    private Sizes() {
    }

    /**
     * Parses a size into bytes.
     *
     * @throws IllegalArgumentException with a message fit for an operator
     */
    public static long parse(String text) {
        requireNonNull(text, "text");
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text.startsWith("-")
                    ? "'" + text + "' is negative; sizes are 0 or more"
                    : "'" + text + "' is not a size (use e.g. 512, 16KiB or 10MiB)");
        }
        Long multiplier = UNITS.get(m.group(2));
        if (multiplier == null) {
            throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2)
                    + "' (use B, KiB, MiB, GiB, KB, MB or GB; units are case-sensitive)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
    }
}
