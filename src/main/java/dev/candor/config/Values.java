package dev.candor.config;

import java.time.Duration;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Reads leaf values: substitutes environment variables, then parses the text into a number,
 * duration, size or address, reporting any problem at the value's path and carrying on.
 */
final class Values {

    private final Problems problems;
    private final Function<String, String> env;

    Values(Problems problems, Function<String, String> env) {
        this.problems = requireNonNull(problems, "problems");
        this.env = requireNonNull(env, "env");
    }

    /** The text after substitution; null when absent or when a problem was already reported there. */
    String text(String path, String raw) {
        if (raw == null || problems.hasAt(path)) {
            return null;
        }
        try {
            return EnvSubstitution.apply(raw, env);
        } catch (IllegalArgumentException e) {
            problems.at(path, e.getMessage());
            return null;
        }
    }

    /** A whole number in {@code [min, max]}; {@code fallback} when absent or wrong. */
    int integer(String path, String raw, int fallback, int min, int max) {
        String text = text(path, raw);
        if (text == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            problems.at(path, "'" + text + "' is not a whole number");
            return fallback;
        }
        if (value < min) {
            problems.at(path, "must be at least " + min + ", was " + value);
            return fallback;
        }
        if (value > max) {
            problems.at(path, "must be at most " + max + ", was " + value);
            return fallback;
        }
        return value;
    }

    /** {@code true} or {@code false}; {@code fallback} when absent or wrong. */
    boolean bool(String path, String raw, boolean fallback) {
        String text = text(path, raw);
        if (text == null) {
            return fallback;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.at(path, "expected true or false, found '" + text + "'");
                yield fallback;
            }
        };
    }

    /** A duration; {@code fallback} when absent or wrong. */
    Duration duration(String path, String raw, Duration fallback) {
        String text = text(path, raw);
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.at(path, e.getMessage());
            return fallback;
        }
    }

    /** A duration above zero; {@code fallback}, which must be above zero, when absent or wrong. */
    Duration positiveDuration(String path, String raw, Duration fallback) {
        Duration value = duration(path, raw, fallback);
        if (value.isZero()) {
            problems.at(path, "must be more than 0");
            return fallback;
        }
        return value;
    }

    /** A size in bytes in {@code [min, max]}; {@code fallback} when absent or wrong. */
    long size(String path, String raw, long fallback, long min, long max) {
        String text = text(path, raw);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            problems.at(path, e.getMessage());
            return fallback;
        }
        if (value < min) {
            problems.at(path, "must be at least " + min + " bytes, was " + text);
            return fallback;
        }
        if (value > max) {
            problems.at(path, "must be at most " + max + " bytes, was " + text);
            return fallback;
        }
        return value;
    }

    /** A {@code host:port} whose port is at least {@code minPort}; null when absent or wrong. */
    HostPort hostPort(String path, String raw, int minPort) {
        String text = text(path, raw);
        if (text == null) {
            return null;
        }
        try {
            HostPort address = HostPort.parse(text);
            if (address.port() < minPort) {
                problems.at(path, "'" + text + "': port " + address.port() + " is not allowed here (expected "
                        + minPort + "-65535)");
                return null;
            }
            return address;
        } catch (IllegalArgumentException e) {
            problems.at(path, e.getMessage());
            return null;
        }
    }
}
