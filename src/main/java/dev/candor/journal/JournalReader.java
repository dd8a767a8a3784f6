package dev.candor.journal;

import dev.candor.event.Event;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the journal for the admin API (and anyone else with the file): each call opens its own
 * read-only connection, so readers never hold up the writer. Blocking: call off the event loops.
 */
public final class JournalReader {
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };

    private final Path file;

    public JournalReader(Path file) {
        this.file = file;
    }

    /** An event as stored, with the run of the process that recorded it. */
    public record StoredEvent(long id, long run, Event event) {
    }

    /** Events with {@code since <= time < until}, oldest first, at most {@code limit}. */
    public List<StoredEvent> events(Instant since, Instant until, int limit) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement("SELECT id, run, time_ms, kind, subject,"
                + " summary, facts FROM events WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms, id LIMIT ?")) {
            p.setLong(1, millis(since, Long.MIN_VALUE));
            p.setLong(2, millis(until, Long.MAX_VALUE));
            p.setInt(3, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new StoredEvent(r.getLong(1), r.getLong(2), new Event(Instant.ofEpochMilli(r.getLong(3)),
                            r.getString(4), r.getString(5), r.getString(6), JournalStore.facts(r.getString(7)))));
                }
            }
        }
        return out;
    }

    /** Failures' evidence (as {@code /api/errors/{id}} shows it) with {@code since <= time < until}, newest first. */
    public List<Map<String, Object>> failures(Instant since, Instant until, int limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement("SELECT evidence FROM failures"
                + " WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms DESC LIMIT ?")) {
            p.setLong(1, millis(since, Long.MIN_VALUE));
            p.setLong(2, millis(until, Long.MAX_VALUE));
            p.setInt(3, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(tree(r.getString(1)));
                }
            }
        }
        return out;
    }

    /** The newest failure with this request id, or null. */
    public Map<String, Object> failure(String requestId) throws SQLException {
        if (!Files.exists(file)) {
            return null;
        }
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement(
                "SELECT evidence FROM failures WHERE request_id = ? ORDER BY time_ms DESC LIMIT 1")) {
            p.setString(1, requestId);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? tree(r.getString(1)) : null;
            }
        }
    }

    /** Requests counted in one bucket with one error type (empty: the requests that did not fail). */
    public record CountSum(long bucketMs, String error, long requests) {
    }

    /**
     * The per-minute counts summed over buckets of {@code stepMs} (a whole number of minutes), by error
     * type: the minutes with {@code fromMs <= minute < untilMs}, each in the bucket that starts at the
     * multiple of {@code stepMs} at or before it, oldest first.
     */
    public List<CountSum> counts(long fromMs, long untilMs, long stepMs) throws SQLException {
        if (stepMs < 60_000L || stepMs % 60_000L != 0) {
            throw new IllegalArgumentException("stepMs must be a whole number of minutes, was " + stepMs);
        }
        List<CountSum> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement("SELECT (minute_ms / ?) * ? AS bucket,"
                + " error, sum(requests) FROM counts WHERE minute_ms >= ? AND minute_ms < ?"
                + " GROUP BY bucket, error ORDER BY bucket, error")) {
            p.setLong(1, stepMs);
            p.setLong(2, stepMs);
            p.setLong(3, fromMs);
            p.setLong(4, untilMs);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new CountSum(r.getLong(1), r.getString(2), r.getLong(3)));
                }
            }
        }
        return out;
    }

    private Connection connect() throws SQLException {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(2000);
        return DriverManager.getConnection(JournalStore.url(file), config.toProperties());
    }

    private static long millis(Instant t, long fallback) {
        return t == null ? fallback : t.toEpochMilli();
    }

    private static Map<String, Object> tree(String json) {
        try {
            return JournalStore.JSON.readValue(json, TREE);
        } catch (JacksonException e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("unreadable_evidence", json);
            return out;
        }
    }
}
