package dev.candor.doctor;

import dev.candor.event.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The check "changed.burst" over a timeline held in memory: its verdicts and wording. */
class WhatChangedTest {
    private static final Instant NOW = Instant.parse("2026-12-07T14:30:00Z");

    /** A timeline from lists, as a journal file or the admin API would give them. */
    private record Listed(List<Burst.Failure> failures, List<Event> events) implements Timeline {
        @Override
        public String source() {
            return "candor-journal.db";
        }

        @Override
        public List<Burst.Failure> failures(Instant since) {
            return failures.stream().filter(f -> !f.time().isBefore(since))
                    .sorted((a, b) -> b.time().compareTo(a.time())).toList();
        }

        @Override
        public List<Event> events(Instant since, Instant until) {
            return events.stream().filter(e -> !e.time().isBefore(since) && e.time().isBefore(until)).toList();
        }

        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public String admin() {
            return null;
        }
    }

    private static List<Burst.Failure> refusals(Instant from, int n) {
        List<Burst.Failure> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Burst.Failure("r" + i, from.plusSeconds(i), 502, "connection_refused", "all", "app", "10.0.0.7:80"));
        }
        return out;
    }

    @Test
    void noFailurePasses() {
        Check c = WhatChanged.check(new Listed(List.of(), List.of()));

        assertThat(c.status()).isEqualTo(Status.PASS);
        assertThat(c.id()).isEqualTo("changed.burst");
        assertThat(c.section()).isEqualTo(Section.CHANGED);
        assertThat(c.summary()).isEqualTo("no failure in the hour before 2026-12-07T14:30:00Z");
    }

    @Test
    void failuresThatEndedLongAgoPassWithTheirTime() {
        Check c = WhatChanged.check(new Listed(refusals(NOW.minusSeconds(40 * 60), 3), List.of()));

        assertThat(c.status()).isEqualTo(Status.PASS);
        assertThat(c.summary()).startsWith("no current burst of errors: the last failure was 39 min 58 s before");
    }

    @Test
    void aBurstThatNothingExplainsWarnsAndPointsAtTheBackend() {
        Event unrelated = new Event(NOW.minusSeconds(90), Event.DRAIN, "web/10.0.0.9:80", "drained",
                Map.of("upstream", "web", "endpoint", "10.0.0.9:80", "draining", "true"));

        Check c = WhatChanged.check(new Listed(refusals(NOW.minusSeconds(60), 10), List.of(unrelated)));

        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.summary()).isEqualTo("502s (connection_refused) on upstream app began at 2026-12-07T14:29:00Z;"
                + " no event in the 10 minutes before explains them");
        assertThat(c.advice()).contains("look at the backend itself");
        assertThat(c.evidence()).containsEntry("failures", 10).containsEntry("events_before", 1);
    }

    @Test
    void aBurstAfterARelevantChangeFailsWithTheUndoAsTheFirstStep() {
        Event dns = new Event(NOW.minusSeconds(62), Event.DNS, "app/app.test", "changed",
                Map.of("upstream", "app", "name", "app.test", "before", "[10.0.0.6]", "after", "[10.0.0.7]"));

        Check c = WhatChanged.check(new Listed(refusals(NOW.minusSeconds(60), 10), List.of(dns)));

        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.summary()).isEqualTo("502s (connection_refused) on upstream app began 2.0 s after the DNS answer for"
                + " app.test changed from [10.0.0.6] to [10.0.0.7]");
        assertThat(c.step().rank()).isEqualTo(Step.Rank.DNS);
        assertThat(c.evidence()).containsEntry("cause", "dns");
    }
}
