package dev.candor.config;

import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The journal: one SQLite file of failures, per-minute counts and events that outlives a restart.
 * {@code journal: off} gives {@link #OFF}.
 *
 * @param path the file, already resolved against the config file's directory; null when off
 * @param keep rows older than this are deleted; zero keeps them whatever their age
 * @param maxSize past this many bytes the oldest rows are deleted; zero means no size limit
 */
public record JournalConfig(boolean enabled, Path path, Duration keep, long maxSize) {
    public static final Duration DEFAULT_KEEP = Duration.ofDays(7);
    public static final long DEFAULT_MAX_SIZE = 256L * 1024 * 1024;
    public static final String DEFAULT_FILE = "candor-journal.db";
    public static final JournalConfig OFF = new JournalConfig(false, null, DEFAULT_KEEP, DEFAULT_MAX_SIZE);

    public JournalConfig {
        requireNonNull(keep, "keep");
        if (enabled) {
            requireNonNull(path, "path");
        }
    }

    /** The journal at {@code path} with the default retention. */
    public static JournalConfig at(Path path) {
        return new JournalConfig(true, path, DEFAULT_KEEP, DEFAULT_MAX_SIZE);
    }
}
