package dev.candor.admin;

import dev.candor.config.Durations;
import dev.candor.failure.FailureReport;
import dev.candor.journal.Journal;
import dev.candor.journal.JournalReader;
import dev.candor.server.CandorServer;

import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /api/events}, {@code GET /api/counts}, and the part of {@code /api/errors} that reaches beyond
 * memory: failures from the ring while it holds them, from the journal before that. Reads the file: call off the event loop.
 */
final class JournalView {
    private JournalView() {
    }

    /** A bad query parameter, with the message for the client. */
    static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message);
        }
    }

    /**
     * An instant from a query parameter: RFC 3339 ({@code 2026-12-07T13:00:00Z}) or a duration ago in the
     * config syntax ({@code 15m}, {@code 2h}, {@code 7d}); null when absent.
     */
    static Instant instant(String name, String value, Instant now) throws BadParameter {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return now.minus(Durations.parse(value));
            } catch (IllegalArgumentException e) {
                throw new BadParameter(name + " must be a time such as 2026-12-07T13:00:00Z or a duration ago such"
                        + " as 15m, was '" + value + "'");
            }
        }
    }

    static Map<String, Object> events(Journal journal, Instant since, Instant until, int limit) throws SQLException {
        List<Object> out = new ArrayList<>();
        if (journal.enabled()) {
            for (JournalReader.StoredEvent e : new JournalReader(journal.path()).events(since, until, limit)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", e.id());
                m.put("time", e.event().time().toString());
                m.put("kind", e.event().kind());
                m.put("subject", e.event().subject());
                m.put("summary", e.event().summary());
                m.put("facts", e.event().facts());
                // Tells "since the last start" apart from "before it".
                m.put("this_run", e.run() == journal.run());
                out.add(m);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("journal", journal.enabled() ? journal.path().toString() : null);
        body.put("events", out);
        return body;
    }

    /** At most this many buckets in a {@code /api/counts} answer (one more when {@code since} is mid-bucket). */
    static final int MAX_POINTS = 720;
    private static final long MINUTE_MS = 60_000L;
    private static final long DAY_MS = 1440 * MINUTE_MS;
    /** Bucket widths to choose from, in minutes; past the last one, whole days. */
    private static final long[] WIDTHS = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};

    /**
     * The bucket width for {@code rangeMs}: the requested width (whole minutes; null: one minute), or the
     * smallest listed width that keeps the answer within {@link #MAX_POINTS} buckets when it would not.
     */
    static long stepMs(long rangeMs, Long requestedMs) {
        long step = requestedMs == null ? MINUTE_MS : requestedMs;
        if (ceilDiv(rangeMs, step) <= MAX_POINTS) {
            return step;
        }
        for (long minutes : WIDTHS) {
            long width = minutes * MINUTE_MS;
            if (width > step && ceilDiv(rangeMs, width) <= MAX_POINTS) {
                return width;
            }
        }
        return Math.max(step, ceilDiv(ceilDiv(rangeMs, MAX_POINTS), DAY_MS) * DAY_MS);
    }

    /** The {@code step} parameter: a duration of whole minutes, at least one; null when absent. */
    static Long step(String value) throws BadParameter {
        if (value == null || value.isEmpty()) {
            return null;
        }
        long ms;
        try {
            ms = Durations.parse(value).toMillis();
        } catch (IllegalArgumentException e) {
            ms = -1;
        }
        if (ms < MINUTE_MS || ms % MINUTE_MS != 0) {
            throw new BadParameter("step must be a whole number of minutes such as 1m, 15m or 1h (the journal counts"
                    + " per minute), was '" + value + "'");
        }
        return ms;
    }

    /**
     * {@code GET /api/counts}: requests and failures by error type per bucket, as columns (the shape of
     * {@code /api/activity}): bucket starts in epoch seconds, every bucket present, zero when nothing was counted.
     */
    static Map<String, Object> counts(Journal journal, Instant since, Instant until, Long requestedStepMs)
            throws SQLException {
        long step = stepMs(until.toEpochMilli() - since.toEpochMilli(), requestedStepMs);
        long first = Math.floorDiv(since.toEpochMilli(), step) * step;
        int n = (int) ceilDiv(until.toEpochMilli() - first, step);
        long[] time = new long[n];
        long[] requests = new long[n];
        Map<String, long[]> errors = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            time[i] = (first + i * step) / 1000;
        }
        if (journal.enabled()) {
            for (JournalReader.CountSum c : new JournalReader(journal.path()).counts(first, until.toEpochMilli(), step)) {
                int i = (int) ((c.bucketMs() - first) / step);
                if (i < 0 || i >= n) {
                    continue;
                }
                requests[i] += c.requests();
                if (!c.error().isEmpty()) {
                    errors.computeIfAbsent(c.error(), e -> new long[n])[i] += c.requests();
                }
            }
        }
        Map<String, Object> byType = new LinkedHashMap<>();
        errors.forEach((type, series) -> byType.put(type, series));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("journal", journal.enabled() ? journal.path().toString() : null);
        body.put("since", Instant.ofEpochMilli(first).toString());
        body.put("until", until.toString());
        body.put("step_s", step / 1000);
        body.put("time", time);
        body.put("requests", requests);
        body.put("errors", byType);
        return body;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Failures in {@code [since, until)}, newest first: the ring's, then the journal's older ones. */
    static Map<String, Object> errors(CandorServer server, Instant since, Instant until, int limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (FailureReport r : server.failures().latest(Integer.MAX_VALUE)) {
            if ((since == null || !r.time().isBefore(since)) && (until == null || r.time().isBefore(until))
                    && seen.add(r.requestId())) {
                out.add(FailuresView.report(r));
            }
        }
        Journal journal = server.journal();
        if (journal.enabled()) {
            for (Map<String, Object> m : new JournalReader(journal.path()).failures(since, until, limit)) {
                if (seen.add(String.valueOf(m.get("request_id")))) {
                    out.add(m);
                }
            }
        }
        out.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("time"))).reversed());
        return Map.of("errors", out.size() > limit ? out.subList(0, limit) : out);
    }

    /** A failure that left the ring (or this process): from the journal, or null. */
    static Map<String, Object> error(Journal journal, String requestId) throws SQLException {
        return journal.enabled() ? new JournalReader(journal.path()).failure(requestId) : null;
    }

    /** The journal's part of {@code /api/status}. */
    static Map<String, Object> status(Journal journal) {
        Journal.Status s = journal.status();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", s.enabled());
        out.put("path", s.path() == null ? null : s.path().toString());
        out.put("writing", s.writing());
        out.put("problem", s.problem());
        out.put("rows_written", s.written());
        out.put("rows_dropped", s.dropped());
        out.put("queued", s.queued());
        return out;
    }
}
