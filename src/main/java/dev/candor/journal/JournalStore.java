package dev.candor.journal;

import dev.candor.event.Event;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SQLite file: one connection, used by the journal's writer thread only. */
final class JournalStore implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, String>> FACTS = new TypeReference<>() {
    };
    /** How many of the busiest keys an unclean stop's event lists from its last minute. */
    private static final int LAST_MINUTE_KEYS = 10;

    private final Connection c;

    private JournalStore(Connection c) {
        this.c = c;
    }

    static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    static JournalStore open(Path file) throws SQLException {
        Connection c = DriverManager.getConnection(url(file));
        try (Statement s = c.createStatement()) {
            // Readers (the admin API) never wait for the writer, nor the writer for them.
            s.execute("PRAGMA journal_mode = WAL");
            // A crash may lose the last batch but never corrupts the file (WAL + NORMAL).
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA busy_timeout = 2000");
            Schema.upgrade(c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new JournalStore(c);
    }

    /**
     * Starts this process's run, first closing every run that never recorded a stop (the process was
     * killed or crashed): each becomes an {@code unclean_stop} event at its last sign of life.
     *
     * @return the new run's id
     */
    long startRun(long nowMs, long pid) throws SQLException {
        List<Event> unclean = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, started_ms, last_seen_ms, pid FROM runs WHERE stopped_ms IS NULL")) {
            while (r.next()) {
                unclean.add(uncleanStop(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)));
            }
        }
        c.setAutoCommit(false);
        try {
            try (PreparedStatement close = c.prepareStatement(
                    "UPDATE runs SET stopped_ms = last_seen_ms, clean = 0 WHERE stopped_ms IS NULL")) {
                close.executeUpdate();
            }
            long run;
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO runs (started_ms, last_seen_ms, pid) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setLong(1, nowMs);
                p.setLong(2, nowMs);
                p.setLong(3, pid);
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    run = keys.getLong(1);
                }
            }
            for (Event e : unclean) {
                insertEvent(e, run);
            }
            c.commit();
            return run;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private Event uncleanStop(long run, long startedMs, long lastSeenMs, long pid) throws SQLException {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("run", Long.toString(run));
        facts.put("pid", Long.toString(pid));
        facts.put("started", Instant.ofEpochMilli(startedMs).toString());
        facts.put("last_seen", Instant.ofEpochMilli(lastSeenMs).toString());
        long requests = 0;
        // The last minute whose counts reached the disk before the process died.
        try (PreparedStatement p = c.prepareStatement("SELECT minute_ms, route, upstream, status_class, error, requests"
                + " FROM counts WHERE minute_ms = (SELECT max(minute_ms) FROM counts WHERE minute_ms BETWEEN ? AND ?)"
                + " ORDER BY requests DESC")) {
            p.setLong(1, startedMs - 60_000);
            p.setLong(2, lastSeenMs);
            try (ResultSet r = p.executeQuery()) {
                int listed = 0;
                while (r.next()) {
                    if (listed == 0) {
                        facts.put("last_minute", Instant.ofEpochMilli(r.getLong(1)).toString());
                    }
                    requests += r.getLong(6);
                    if (listed++ < LAST_MINUTE_KEYS) {
                        facts.put("count " + key(r.getString(2), r.getString(3), r.getString(4), r.getString(5)),
                                Long.toString(r.getLong(6)));
                    }
                }
            }
        }
        facts.put("last_minute_requests", Long.toString(requests));
        return new Event(Instant.ofEpochMilli(lastSeenMs), Event.UNCLEAN_STOP, null,
                "the previous run (pid " + pid + ", started " + Instant.ofEpochMilli(startedMs)
                        + ") stopped without shutting down; last sign of life " + Instant.ofEpochMilli(lastSeenMs),
                facts);
    }

    private static String key(String route, String upstream, String statusClass, String error) {
        return (route.isEmpty() ? "-" : route) + " " + (upstream.isEmpty() ? "-" : upstream) + " " + statusClass
                + (error.isEmpty() ? "" : " " + error);
    }

    /** Writes one batch in one transaction, and the run's sign of life. */
    void write(long run, long nowMs, List<Event> events, List<FailureRow> failures, List<CountRow> counts)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            for (Event e : events) {
                insertEvent(e, run);
            }
            if (!failures.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO failures (request_id, time_ms, run, status,"
                        + " error, route, upstream, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (FailureRow f : failures) {
                        p.setString(1, f.requestId());
                        p.setLong(2, f.timeMs());
                        p.setLong(3, run);
                        p.setInt(4, f.status());
                        p.setString(5, f.error());
                        p.setString(6, f.route());
                        p.setString(7, f.upstream());
                        p.setString(8, f.evidence());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            if (!counts.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO counts (minute_ms, route, upstream,"
                        + " status_class, error, requests) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE"
                        + " SET requests = requests + excluded.requests")) {
                    for (CountRow r : counts) {
                        p.setLong(1, r.minuteMs());
                        p.setString(2, r.route());
                        p.setString(3, r.upstream());
                        p.setString(4, r.statusClass());
                        p.setString(5, r.error());
                        p.setLong(6, r.requests());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE runs SET last_seen_ms = ? WHERE id = ?")) {
                p.setLong(1, nowMs);
                p.setLong(2, run);
                p.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // The connection is broken; the caller reports the first failure.
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void insertEvent(Event e, long run) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO events (time_ms, run, kind, subject, summary, facts) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, e.time().toEpochMilli());
            p.setLong(2, run);
            p.setString(3, e.kind());
            p.setString(4, e.subject());
            p.setString(5, e.summary());
            p.setString(6, JSON.writeValueAsString(e.facts()));
            p.executeUpdate();
        }
    }

    void stopRun(long run, long nowMs) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE runs SET stopped_ms = ?, last_seen_ms = ?, clean = 1 WHERE id = ?")) {
            p.setLong(1, nowMs);
            p.setLong(2, nowMs);
            p.setLong(3, run);
            p.executeUpdate();
        }
    }

    /**
     * Deletes rows older than {@code keepMs} (0: no age limit), then, while the data takes more than
     * {@code maxSize} bytes (0: no limit), the oldest tenth of the time span; gives the freed pages back.
     *
     * @return rows deleted
     */
    long retain(long nowMs, long keepMs, long maxSize) throws SQLException {
        long deleted = 0;
        if (keepMs > 0) {
            deleted += deleteBefore(nowMs - keepMs);
        }
        // Bounded: each round removes at least a tenth of what is left of the time span.
        for (int round = 0; maxSize > 0 && round < 40 && usedBytes() > maxSize; round++) {
            long oldest = scalar("SELECT min(t) FROM (SELECT min(time_ms) t FROM failures"
                    + " UNION ALL SELECT min(time_ms) FROM events UNION ALL SELECT min(minute_ms) FROM counts)");
            long newest = scalar("SELECT max(t) FROM (SELECT max(time_ms) t FROM failures"
                    + " UNION ALL SELECT max(time_ms) FROM events UNION ALL SELECT max(minute_ms) FROM counts)");
            long removed = deleteBefore(oldest + Math.max(1, (newest - oldest) / 10));
            deleted += removed;
            if (removed == 0) {
                break;
            }
        }
        if (deleted > 0) {
            try (Statement s = c.createStatement()) {
                // Deleted rows leave free pages inside the file; once they are most of it, rewrite the file
                // so that max_size bounds the disk used, not only the rows.
                if (scalar("PRAGMA freelist_count") * 2 > scalar("PRAGMA page_count")) {
                    s.execute("VACUUM");
                }
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        return deleted;
    }

    private long deleteBefore(long cutoffMs) throws SQLException {
        long n = 0;
        for (String sql : List.of("DELETE FROM failures WHERE time_ms < ?", "DELETE FROM events WHERE time_ms < ?",
                "DELETE FROM counts WHERE minute_ms < ?",
                "DELETE FROM runs WHERE stopped_ms IS NOT NULL AND stopped_ms < ?")) {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setLong(1, cutoffMs);
                n += p.executeUpdate();
            }
        }
        return n;
    }

    /** Bytes in pages that hold data (the file minus its free pages). */
    long usedBytes() throws SQLException {
        return (scalar("PRAGMA page_count") - scalar("PRAGMA freelist_count")) * scalar("PRAGMA page_size");
    }

    private long scalar(String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    static Map<String, String> facts(String json) {
        try {
            return JSON.readValue(json, FACTS);
        } catch (JacksonException e) {
            return Map.of("unreadable", json);
        }
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }

    record FailureRow(String requestId, long timeMs, int status, String error, String route, String upstream,
                      String evidence) {
    }

    record CountRow(long minuteMs, String route, String upstream, String statusClass, String error, long requests) {
    }
}
