package dev.candor.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Failures counted by kind (error type, upstream-made, client abort), upstream and minute, with a few examples
 * each: what a human reads, and the {@code summary} of the JSON. Memory grows with groups, not with lines.
 */
public final class Groups implements Sink {
    private static final int EXAMPLES = 3;

    /** One kind of failure at one upstream. */
    public static final class Group {
        private final Failure first;
        private long count;
        private final Map<String, Long> byMinute = new TreeMap<>();
        private final List<Failure> examples = new ArrayList<>(EXAMPLES);

        Group(Failure first) {
            this.first = first;
        }

        public Failure first() {
            return first;
        }

        public long count() {
            return count;
        }

        /** Minute ({@code 2026-12-07T12:40}) → failures in it, in time order. */
        public Map<String, Long> byMinute() {
            return byMinute;
        }

        public List<Failure> examples() {
            return examples;
        }

        private int rank() {
            return first.clientAbort() ? 2 : first.error() == null ? 1 : 0;
        }
    }

    private record Key(String kind, String upstream) {
    }

    private final Map<Key, Group> groups = new LinkedHashMap<>();
    private long failures;
    private long proxyMade;
    private long clientAborts;

    @Override
    public void accept(Failure f) {
        if (f.clientAbort()) {
            clientAborts++;
        } else {
            failures++;
            if (f.error() != null) {
                proxyMade++;
            }
        }
        Group g = groups.computeIfAbsent(new Key(f.kind(), f.upstream()), k -> new Group(f));
        g.count++;
        g.byMinute.merge(minute(f.time()), 1L, Long::sum);
        if (g.examples.size() < EXAMPLES) {
            g.examples.add(f);
        }
    }

    private static String minute(String time) {
        return time == null || time.length() < 16 ? Objects.toString(time, "?") : time.substring(0, 16);
    }

    /** Failures (client aborts apart): proxy-made and upstream-made. */
    public long failures() {
        return failures;
    }

    public long proxyMade() {
        return proxyMade;
    }

    public long clientAborts() {
        return clientAborts;
    }

    /** The groups: the proxy's failures, then the upstream's own 5xx, then client aborts; the largest first in each. */
    public List<Group> largestFirst() {
        List<Group> out = new ArrayList<>(groups.values());
        out.sort((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank()) : Long.compare(b.count, a.count));
        return out;
    }
}
