package dev.candor.doctor;

import dev.candor.event.Event;
import dev.candor.failure.ErrorType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The section "What changed" (SPEC sections 7 and 13): finds the current burst of errors in the proxy's
 * failures, and names the events of the minutes before it that most plausibly explain it, with the
 * command that undoes the change when there is one. The burst and the ranking are pure ({@link Burst},
 * {@link Suspects}); this class reads the timeline and words the check.
 */
final class WhatChanged {
    /** How far back failures are read to find the current burst. */
    static final Duration HORIZON = Duration.ofHours(1);
    private static final int LISTED = 5;

    private WhatChanged() {
    }

    static List<Check> of(DoctorOptions options, Clock clock) {
        List<Check> out = new ArrayList<>();
        if (options.admin() != null) {
            out.add(check(new AdminTimeline(options.admin(), options.adminToken(), clock)));
        }
        if (options.journal() != null) {
            out.add(check(new JournalTimeline(options.journal())));
        }
        return out;
    }

    static Check check(Timeline timeline) {
        Check.Builder b = Check.of(Section.CHANGED, "changed.burst", timeline.source());
        Instant now;
        List<Burst.Failure> failures;
        Instant since;
        try {
            now = timeline.now();
            since = now.minus(HORIZON);
            failures = timeline.failures(since);
        } catch (Exception e) {
            return unreadable(b, timeline, e);
        }
        boolean complete = failures.size() < Timeline.FAILURES_READ && failures.stream()
                .allMatch(f -> f.time().isAfter(since.plus(Burst.QUIET_GAP)));
        Burst burst = Burst.find(failures, now, complete);
        b.with("source", timeline.source()).with("failures_last_hour", failures.size());
        if (burst == null) {
            if (!failures.isEmpty()) {
                b.with("last_failure", failures.get(0).time().toString());
            }
            return b.pass(failures.isEmpty() ? "no failure in the hour before " + now
                    : "no current burst of errors: the last failure was " + ago(failures.get(0).time(), now) + " before " + now);
        }
        List<Event> events;
        try {
            events = timeline.events(burst.began().minus(Suspects.LOOKBACK), burst.began().plus(Suspects.SLACK).plusMillis(1));
        } catch (Exception e) {
            return unreadable(b, timeline, e);
        }
        List<Suspects.Suspect> ranked = Suspects.rank(burst, events, timeline.admin());
        String errors = errors(burst);
        b.with("began", burst.began().toString()).with("last", burst.last().toString())
                .with("upstream", burst.upstream()).with("error", burst.error())
                .with("failures", burst.main().size()).with("by_error", burst.byError())
                .with("first_request_id", burst.main().get(0).requestId())
                .with("events_before", events.size());
        if (burst.truncated()) {
            b.with("began_at_the_latest", true);
        }
        b.error(ErrorType.fromToken(burst.error()));
        if (ranked.isEmpty() || ranked.get(0).relevance() < 0.3) {
            b.with("ranked", lines(ranked))
                    .advice("nothing Candor recorded in the " + Suspects.LOOKBACK.toMinutes() + " minutes before explains it:"
                            + " look at the backend itself (a deploy, a crash, its own dependencies) around " + burst.began())
                    .step(Step.of(Step.Rank.LOGS, errors + " began at " + burst.began() + " with no change in Candor before"
                            + " them: look for what changed on the backend's side"));
            return b.warn(errors + " began at " + burst.began() + "; no event in the " + Suspects.LOOKBACK.toMinutes()
                    + " minutes before explains them");
        }
        Suspects.Suspect top = ranked.get(0);
        String sentence = errors + " began " + lead(top.lead()) + " " + top.what();
        b.with("cause", top.event().kind()).with("cause_time", top.event().time().toString())
                .with("cause_summary", top.event().summary())
                .with("changed_key", top.key())
                .with("relevance", Math.round(top.relevance() * 100) / 100.0)
                .with("ranked", lines(ranked))
                .with("undo", top.undo());
        String advice = top.undo() != null ? "undo it: " + top.undo() : "check whether this change is the cause";
        b.advice(advice).step(Step.of(Step.Rank.DNS, "undo what came just before the errors: " + top.what()
                + (top.undo() == null ? "" : " — " + top.undo())));
        return top.explains() ? b.fail(sentence) : b.warn(sentence + " (the best guess, not a sure match)");
    }

    private static Check unreadable(Check.Builder b, Timeline timeline, Exception e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        return b.with("source", timeline.source()).with("problem", why)
                .advice(timeline.admin() != null ? "check that Candor runs and --admin is its admin address"
                        : "pass the journal file Candor writes (journal.path, by default candor-journal.db next to the config)")
                .warn("could not read the failures and events: " + why);
    }

    /** e.g. {@code 504s (http_response_timeout) on upstream api}. */
    static String errors(Burst burst) {
        return (burst.status() > 0 ? burst.status() + "s" : "failures") + " (" + burst.error() + ")"
                + (burst.upstream() == null ? "" : " on upstream " + burst.upstream());
    }

    /** e.g. {@code 1.4 s after}, {@code 3 min 12 s after}, {@code 0.2 s before} (an event stamped just after). */
    static String lead(Duration lead) {
        Duration d = lead.abs();
        String amount = d.toSeconds() < 60 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)
                : d.toMinutes() + " min " + d.toSecondsPart() + " s";
        return amount + (lead.isNegative() ? " before" : " after");
    }

    private static String ago(Instant then, Instant now) {
        return lead(Duration.between(then, now)).replace(" after", "");
    }

    private static List<String> lines(List<Suspects.Suspect> ranked) {
        List<String> out = new ArrayList<>();
        for (Suspects.Suspect s : ranked.subList(0, Math.min(LISTED, ranked.size()))) {
            out.add(String.format(Locale.ROOT, "%.2f %s %s (%s)", s.score(), s.event().time(), s.event().kind(), s.what()));
        }
        return out;
    }
}
