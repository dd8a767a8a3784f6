package dev.candor.observe;

import dev.candor.observe.Trace.Entry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TraceTest {
    /** A nano clock that starts far from zero, so offsets are measured from the trace's start. */
    private final AtomicLong nanos = new AtomicLong(7_000_000_000L);
    private final Trace trace = new Trace(nanos::get);

    private void advanceMicros(long micros) {
        nanos.addAndGet(micros * 1000);
    }

    @Test
    void eventsAreRecordedWithTheirOffsetFromTheStartInMicroseconds() {
        trace.add(TraceEvent.REQUEST_RECEIVED);
        advanceMicros(120);
        trace.add(TraceEvent.ROUTED, "api");
        nanos.addAndGet(2_999);
        trace.add(TraceEvent.ENDPOINT_PICKED, "10.0.0.11:8080");

        assertThat(trace.entries()).containsExactly(
                new Entry(TraceEvent.REQUEST_RECEIVED, 0, null),
                new Entry(TraceEvent.ROUTED, 120, "api"),
                new Entry(TraceEvent.ENDPOINT_PICKED, 122, "10.0.0.11:8080"));
        assertThat(trace.elapsedNanos()).isEqualTo(122_999);
    }

    @Test
    void thePrintableFormIsSpaceSeparatedEventNoteAndOffset() {
        trace.add(TraceEvent.REQUEST_RECEIVED);
        advanceMicros(1500);
        trace.add(TraceEvent.CONNECT_FAILED, "ECONNREFUSED");

        assertThat(trace).hasToString("REQUEST_RECEIVED@0us CONNECT_FAILED(ECONNREFUSED)@1500us");
    }

    @Test
    void thePrintedTraceParsesBackToExactlyTheSameEntries() {
        trace.add(TraceEvent.REQUEST_RECEIVED);
        advanceMicros(35);
        trace.add(TraceEvent.ROUTED, "api");
        advanceMicros(4);
        trace.add(TraceEvent.CONNECTION_REUSED, "idle=5100ms");
        advanceMicros(2_000_000);
        trace.add(TraceEvent.UPSTREAM_CLOSED, "");
        trace.add(TraceEvent.RETRY);
        advanceMicros(1);
        trace.add(TraceEvent.RESPONSE_END, "status:200/us");

        List<Entry> parsed = Trace.parse(trace.toString());

        assertThat(parsed).isEqualTo(trace.entries()).hasSize(6);
        assertThat(Trace.format(parsed)).isEqualTo(trace.toString());
    }

    @Test
    void aNoteWithSpacesParenthesesOrAtSignsIsSanitisedIntoOneToken() {
        trace.add(TraceEvent.CONNECT_FAILED, "connect to 10.0.0.1:80 (refused) @once");
        advanceMicros(9);
        trace.add(TraceEvent.LOCAL_REPLY, "caf\u00e9\ttab\nline");

        assertThat(trace).hasToString("CONNECT_FAILED(connect_to_10.0.0.1:80__refused___once)@0us"
                + " LOCAL_REPLY(caf__tab_line)@9us");
        assertThat(Trace.parse(trace.toString())).containsExactly(
                new Entry(TraceEvent.CONNECT_FAILED, 0, "connect_to_10.0.0.1:80__refused___once"),
                new Entry(TraceEvent.LOCAL_REPLY, 9, "caf__tab_line"));
    }

    @Test
    void theTraceGrowsBeyondItsInitialEightEvents() {
        List<Entry> expected = new ArrayList<>();
        TraceEvent[] vocabulary = TraceEvent.values();
        for (int i = 0; i < 40; i++) {
            TraceEvent event = vocabulary[i % vocabulary.length];
            String note = i % 3 == 0 ? "n" + i : null;
            trace.add(event, note);
            expected.add(new Entry(event, i * 10L, note));
            advanceMicros(10);
        }

        assertThat(trace.entries()).containsExactlyElementsOf(expected);
        assertThat(Trace.parse(trace.toString())).containsExactlyElementsOf(expected);
    }

    @Test
    void anEmptyTracePrintsAndParsesAsNothing() {
        assertThat(trace).hasToString("");
        assertThat(Trace.parse("")).isEmpty();
        assertThat(Trace.parse("   ")).isEmpty();
        assertThat(Trace.parse(null)).isEmpty();
    }

    @Test
    void textThatIsNotATraceIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Trace.parse("REQUEST_RECEIVED"));
        assertThatIllegalArgumentException().isThrownBy(() -> Trace.parse("REQUEST_RECEIVED@12ms"));
        assertThatIllegalArgumentException().isThrownBy(() -> Trace.parse("NOT_AN_EVENT@1us"));
        assertThatIllegalArgumentException().isThrownBy(() -> Trace.parse("ROUTED@xus"));
    }

    @Test
    void entriesIsASnapshotThatLaterEventsDoNotChange() {
        trace.add(TraceEvent.REQUEST_RECEIVED);
        List<Entry> before = trace.entries();

        trace.add(TraceEvent.ROUTED);

        assertThat(before).hasSize(1);
        assertThat(trace.entries()).hasSize(2);
    }
}
