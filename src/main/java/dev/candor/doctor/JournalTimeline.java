package dev.candor.doctor;

import dev.candor.event.Event;
import dev.candor.journal.JournalReader;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A journal file read directly ({@code --journal FILE}), through read-only connections: works while Candor
 * writes it and after it stopped, so the evidence of an incident outlives the restart that ended it.
 */
final class JournalTimeline implements Timeline {
    /** Bounds the read of the events after the newest failure, to find where the file's record ends. */
    private static final int TAIL_EVENTS = 10_000;

    private final Path file;
    private final JournalReader reader;

    JournalTimeline(Path file) {
        this.file = requireNonNull(file, "file");
        this.reader = new JournalReader(file);
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public List<Burst.Failure> failures(Instant since) throws Exception {
        List<Burst.Failure> out = new ArrayList<>();
        for (Map<String, Object> m : reader.failures(since, null, FAILURES_READ)) {
            Burst.Failure f = Timeline.failure(m);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public List<Event> events(Instant since, Instant until) throws Exception {
        return reader.events(since, until, TAIL_EVENTS).stream().map(JournalReader.StoredEvent::event).toList();
    }

    /**
     * When the file's record ends: its newest failure, or a later event (Candor's stop). A burst is judged
     * against that, not the wall clock, so a file read the next morning still shows the night's incident.
     */
    @Override
    public Instant now() throws Exception {
        List<Map<String, Object>> newest = reader.failures(null, null, 1);
        Burst.Failure last = newest.isEmpty() ? null : Timeline.failure(newest.get(0));
        if (last == null) {
            return Instant.now();
        }
        Instant end = last.time();
        for (JournalReader.StoredEvent e : reader.events(end, null, TAIL_EVENTS)) {
            if (e.event().time().isAfter(end)) {
                end = e.event().time();
            }
        }
        return end;
    }

    @Override
    public String admin() {
        return null;
    }
}
