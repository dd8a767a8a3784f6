package dev.candor.journal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The journal's tables, versioned: {@code schema_version} holds the version a file was written with, and
 * each step in {@link #STEPS} upgrades a file by one version, so a newer Candor opens an older journal.
 */
final class Schema {
    /** Step {@code i} takes a file from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> STEPS = List.of(List.of(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL,"
                    + " stopped_ms INTEGER, clean INTEGER, pid INTEGER)",
            "CREATE TABLE failures (request_id TEXT NOT NULL, time_ms INTEGER NOT NULL, run INTEGER NOT NULL,"
                    + " status INTEGER NOT NULL, error TEXT NOT NULL, route TEXT, upstream TEXT,"
                    + " evidence TEXT NOT NULL)",
            "CREATE INDEX failures_time ON failures (time_ms)",
            "CREATE INDEX failures_request ON failures (request_id)",
            "CREATE TABLE counts (minute_ms INTEGER NOT NULL, route TEXT NOT NULL, upstream TEXT NOT NULL,"
                    + " status_class TEXT NOT NULL, error TEXT NOT NULL, requests INTEGER NOT NULL,"
                    + " PRIMARY KEY (minute_ms, route, upstream, status_class, error))",
            "CREATE TABLE events (id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, run INTEGER NOT NULL,"
                    + " kind TEXT NOT NULL, subject TEXT, summary TEXT NOT NULL, facts TEXT NOT NULL)",
            "CREATE INDEX events_time ON events (time_ms)"));

    static final int VERSION = STEPS.size();

    private Schema() {
    }

    /**
     * Brings the file to {@link #VERSION}.
     *
     * @throws SQLException also when the file was written by a newer Candor, which this one cannot read
     */
    static void upgrade(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
                if (r.next()) {
                    version = r.getInt(1);
                }
            }
            if (version > VERSION) {
                throw new SQLException("the journal was written by a newer Candor (schema " + version
                        + ", this one knows up to " + VERSION + ")");
            }
            for (int v = version; v < VERSION; v++) {
                c.setAutoCommit(false);
                for (String sql : STEPS.get(v)) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (" + (v + 1) + ")");
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }
}
