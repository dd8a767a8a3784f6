package dev.candor.observe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The timeline of one request: events from {@link TraceEvent}, each with its offset from the start in
 * microseconds and an optional short note. Printed as {@code EVENT(note)@123us ...} and parsed back, so
 * the doctor reads the same format the proxy writes. Used by one event loop at a time; not thread-safe.
 */
public final class Trace {
    private final LongSupplier nanoClock;
    private final long startNanos;
    private TraceEvent[] events = new TraceEvent[8];
    private long[] offsetsMicros = new long[8];
    private String[] notes = new String[8];
    private int size;

    public Trace(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** A trace timed by {@link System#nanoTime()}. */
    public static Trace start() {
        return new Trace(System::nanoTime);
    }

    public void add(TraceEvent event) {
        add(event, null);
    }

    public void add(TraceEvent event, String note) {
        if (size == events.length) {
            events = Arrays.copyOf(events, size * 2);
            offsetsMicros = Arrays.copyOf(offsetsMicros, size * 2);
            notes = Arrays.copyOf(notes, size * 2);
        }
        events[size] = event;
        offsetsMicros[size] = (nanoClock.getAsLong() - startNanos) / 1000;
        notes[size] = note;
        size++;
    }

    /** Nanoseconds since the trace started. */
    public long elapsedNanos() {
        return nanoClock.getAsLong() - startNanos;
    }

    /** One recorded event. */
    public record Entry(TraceEvent event, long offsetMicros, String note) {
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry(events[i], offsetsMicros[i], notes[i]));
        }
        return out;
    }

    @Override
    public String toString() {
        return format(entries());
    }

    /** The printable form: space-separated {@code EVENT(note)@Nus}. */
    public static String format(List<Entry> entries) {
        StringBuilder b = new StringBuilder(entries.size() * 24);
        for (Entry e : entries) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.event().name());
            if (e.note() != null) {
                b.append('(').append(sanitize(e.note())).append(')');
            }
            b.append('@').append(e.offsetMicros()).append("us");
        }
        return b.toString();
    }

    /** Reads the printable form back. */
    public static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String token : text.trim().split(" ")) {
            int at = token.lastIndexOf('@');
            if (at < 0 || !token.endsWith("us")) {
                throw new IllegalArgumentException("not a trace entry: " + token);
            }
            long offset = Long.parseLong(token.substring(at + 1, token.length() - 2));
            String head = token.substring(0, at);
            String note = null;
            int open = head.indexOf('(');
            if (open >= 0 && head.endsWith(")")) {
                note = head.substring(open + 1, head.length() - 1);
                head = head.substring(0, open);
            }
            out.add(new Entry(TraceEvent.valueOf(head), offset, note));
        }
        return out;
    }

    /** Notes keep the printable form one token: no spaces, parentheses or '@'. */
    private static String sanitize(String note) {
        StringBuilder b = new StringBuilder(note.length());
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            b.append(c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '@' ? c : '_');
        }
        return b.toString();
    }
}
