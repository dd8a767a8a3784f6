package dev.candor.doctor;

import dev.candor.event.Event;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ranking of "What changed": the event that explains a burst comes first, ahead of decoys. */
class SuspectsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T14:00:00Z");

    private static Burst.Failure failure(double seconds, int status, String error, String upstream, String endpoint) {
        return new Burst.Failure("id" + seconds, T0.plusMillis((long) (seconds * 1000)), status, error, "all", upstream, endpoint);
    }

    private static Burst burst(int status, String error, String upstream, String endpoint) {
        List<Burst.Failure> failures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            failures.add(failure(i * 0.5, status, error, upstream, endpoint));
        }
        return Burst.find(failures, T0.plusSeconds(30), true);
    }

    private static Event event(double secondsFromT0, String kind, String subject, String... facts) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < facts.length; i += 2) {
            m.put(facts[i], facts[i + 1]);
        }
        return new Event(T0.plusMillis((long) (secondsFromT0 * 1000)), kind, subject, kind + " " + subject, m);
    }

    private static Event reload(double at, String number, String key, String change) {
        return event(at, Event.RELOAD, "/etc/candor/candor.yaml", "reload", number, "trigger", "SIGHUP",
                "changed " + key, change);
    }

    @Test
    void aReloadThatLoweredTheResponseTimeoutExplainsResponseTimeoutsAheadOfALaterUnrelatedDrain() {
        Burst burst = burst(504, "http_response_timeout", "api", "10.0.0.7:8080");
        List<Event> events = List.of(
                event(-300, Event.DRAIN, "web/10.0.0.9:80", "upstream", "web", "endpoint", "10.0.0.9:80", "draining", "true"),
                reload(-1.4, "12", "upstreams.api.timeouts.response", "30s -> 3s"),
                event(-0.5, Event.DRAIN, "web/10.0.0.8:80", "upstream", "web", "endpoint", "10.0.0.8:80", "draining", "true"),
                reload(-120, "11", "upstreams.web.pool.max_idle", "10 -> 20"));

        List<Suspects.Suspect> ranked = Suspects.rank(burst, events, "http://127.0.0.1:9901");

        Suspects.Suspect top = ranked.get(0);
        assertThat(top.event().kind()).isEqualTo("reload");
        assertThat(top.key()).isEqualTo("upstreams.api.timeouts.response");
        assertThat(top.explains()).isTrue();
        assertThat(top.what()).isEqualTo("reload #12 changed `upstreams.api.timeouts.response` 30s -> 3s");
        assertThat(top.undo()).isEqualTo("restore `upstreams.api.timeouts.response` to 30s in /etc/candor/candor.yaml"
                + " (reload #12 changed it), then run `candor reload -c /etc/candor/candor.yaml`");
        assertThat(WhatChanged.errors(burst) + " began " + WhatChanged.lead(top.lead()) + " " + top.what())
                .isEqualTo("504s (http_response_timeout) on upstream api began 1.4 s after reload #12 changed"
                        + " `upstreams.api.timeouts.response` 30s -> 3s");
        assertThat(ranked).extracting(s -> s.event().kind()).doesNotContain("health");
        assertThat(ranked.stream().filter(s -> s.event().kind().equals(Event.DRAIN))).allMatch(s -> s.score() < top.score() / 5);
    }

    @Test
    void aDnsChangeToTheAddressThatRefusesExplainsConnectionRefusedAheadOfAnEarlierRelevantLookingReload() {
        Burst burst = burst(502, "connection_refused", "app", "127.0.0.2:8080");
        List<Event> events = List.of(
                reload(-400, "3", "upstreams.app.endpoints[0].address", "app.test:8080 -> app.test:8080 "),
                event(-0.8, Event.DNS, "app/app.test", "upstream", "app", "name", "app.test", "before", "[127.0.0.1]",
                        "after", "[127.0.0.2]", "ttl_seconds", "1", "resolver", "127.0.0.1:5353"),
                event(-30, Event.DNS, "other/other.test", "upstream", "other", "name", "other.test", "before", "[10.0.0.1]",
                        "after", "[127.0.0.2]"));

        List<Suspects.Suspect> ranked = Suspects.rank(burst, events, null);

        assertThat(ranked.get(0).event().kind()).isEqualTo("dns");
        assertThat(ranked.get(0).event().subject()).isEqualTo("app/app.test");
        assertThat(ranked.get(0).explains()).isTrue();
        assertThat(ranked.get(0).what()).isEqualTo("the DNS answer for app.test changed from [127.0.0.1] to [127.0.0.2]");
        assertThat(ranked.get(0).undo()).contains("put the record of app.test back to [127.0.0.1]").contains("127.0.0.1:5353");
    }

    @Test
    void aHealthTransitionToUnhealthyExplainsDestinationUnavailableAndADrainOfAnotherUpstreamDoesNot() {
        Burst burst = burst(503, "destination_unavailable", "app", null);
        List<Event> events = List.of(
                event(-60, Event.DRAIN, "other/10.0.0.9:80", "upstream", "other", "endpoint", "10.0.0.9:80", "draining", "true"),
                event(-2, Event.HEALTH, "app/127.0.0.1:8080", "upstream", "app", "endpoint", "127.0.0.1:8080", "from", "healthy",
                        "to", "unhealthy", "cause", "http_protocol_error", "detail", "status 503"),
                event(-1, Event.RELOAD_REFUSED, "/etc/candor/candor.yaml", "errors", "1"));

        List<Suspects.Suspect> ranked = Suspects.rank(burst, events, null);

        assertThat(ranked.get(0).event().kind()).isEqualTo("health");
        assertThat(ranked.get(0).explains()).isTrue();
        assertThat(ranked.get(0).what()).isEqualTo("endpoint 127.0.0.1:8080 of upstream app went healthy -> unhealthy (http_protocol_error)");
    }

    @Test
    void aDrainOfTheBurstsUpstreamExplainsDestinationUnavailableAndItsUndoIsTheUndrainCall() {
        Burst burst = burst(503, "destination_unavailable", "app", null);
        Suspects.Suspect s = Suspects.judge(burst, event(-5, Event.DRAIN, "app/127.0.0.1:8080", "upstream", "app",
                "endpoint", "127.0.0.1:8080", "draining", "true"), "http://127.0.0.1:9901");

        assertThat(s.explains()).isTrue();
        assertThat(s.undo()).isEqualTo("put it back: curl -X POST http://127.0.0.1:9901/api/upstreams/app/endpoints/127.0.0.1:8080/undrain");
    }

    @Test
    void eventsLongBeforeTheBurstOrAfterItAreNotSuspects() {
        Burst burst = burst(504, "http_response_timeout", "api", "10.0.0.7:8080");
        List<Suspects.Suspect> ranked = Suspects.rank(burst, List.of(
                reload(-Suspects.LOOKBACK.toSeconds() - 5, "1", "upstreams.api.timeouts.response", "30s -> 3s"),
                reload(20, "2", "upstreams.api.timeouts.response", "3s -> 30s")), null);

        assertThat(ranked).isEmpty();
    }

    @Test
    void theSameChangeRanksLowerTheLongerBeforeTheBurstItCame() {
        Burst burst = burst(504, "http_response_timeout", "api", "10.0.0.7:8080");
        Suspects.Suspect near = Suspects.judge(burst, reload(-2, "2", "upstreams.api.timeouts.response", "30s -> 3s"), null);
        Suspects.Suspect far = Suspects.judge(burst, reload(-500, "1", "upstreams.api.timeouts.response", "30s -> 3s"), null);

        assertThat(near.score()).isGreaterThan(far.score());
        assertThat(far.explains()).isTrue();
        assertThat(far.lead()).isEqualTo(Duration.ofSeconds(500));
    }

    @Test
    void anAddedKeyIsUndoneByRemovingIt() {
        assertThat(Suspects.undoKey("upstreams.api.timeouts.response", "(absent) -> 3s", "c.yaml", "4"))
                .isEqualTo("remove `upstreams.api.timeouts.response` from c.yaml (reload #4 added it), then run `candor reload -c c.yaml`");
    }
}
