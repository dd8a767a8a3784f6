package dev.candor.doctor;

import dev.candor.event.Event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where "What changed" reads failures and events: the running proxy's admin API, or a journal file
 * (also after Candor stopped). Blocking reads; the doctor calls them from its own thread.
 */
interface Timeline {
    /** The most failures read to find a burst; a burst reaching past them is marked as possibly older. */
    int FAILURES_READ = 1000;

    /** Where it reads, for the report: the admin URL or the journal file. */
    String source();

    /** Failures from {@code since} on, newest first, at most {@link #FAILURES_READ}. */
    List<Burst.Failure> failures(Instant since) throws Exception;

    /** Events with {@code since <= time < until}, oldest first. */
    List<Event> events(Instant since, Instant until) throws Exception;

    /** The present as this source knows it: the clock for a live proxy, the last thing a journal recorded for a file. */
    Instant now() throws Exception;

    /** The admin URL to put in undo commands, or null (a file: the admin address is not known). */
    String admin();

    /** A failure from its JSON tree ({@code /api/errors} and the journal store the same one); null without a time. */
    static Burst.Failure failure(Map<String, Object> m) {
        Object time = m.get("time");
        Object error = m.get("error");
        if (time == null || error == null) {
            return null;
        }
        Object status = m.get("status");
        return new Burst.Failure(text(m.get("request_id")), Instant.parse(time.toString()),
                status instanceof Number n ? n.intValue() : 0, error.toString(), text(m.get("route")),
                text(m.get("upstream")), text(m.get("endpoint")));
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
