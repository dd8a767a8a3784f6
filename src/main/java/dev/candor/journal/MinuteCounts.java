package dev.candor.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests counted per minute by route, upstream, status class and error type, in memory, from every
 * event loop without locks; the writer thread takes what was counted since its last look.
 */
final class MinuteCounts {
    private record Key(long minuteMs, String route, String upstream, String statusClass, String error) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    void count(long nowMs, String route, String upstream, int status, String error) {
        Key key = new Key(nowMs - Math.floorMod(nowMs, 60_000L), route == null ? "" : route,
                upstream == null ? "" : upstream, statusClass(status), error == null ? "" : error);
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /**
     * What was counted since the last call. Keys of minutes that ended more than a minute ago are
     * dropped once taken: no request still ending can land in them.
     */
    List<JournalStore.CountRow> take(long nowMs) {
        long currentMinute = nowMs - Math.floorMod(nowMs, 60_000L);
        List<JournalStore.CountRow> out = new ArrayList<>();
        for (Map.Entry<Key, LongAdder> e : counts.entrySet()) {
            Key k = e.getKey();
            long n = e.getValue().sumThenReset();
            if (n > 0) {
                out.add(new JournalStore.CountRow(k.minuteMs(), k.route(), k.upstream(), k.statusClass(), k.error(), n));
            }
            if (k.minuteMs() < currentMinute - 60_000L) {
                counts.remove(k);
            }
        }
        return out;
    }

    static String statusClass(int status) {
        return status >= 100 && status <= 599 ? (status / 100) + "xx" : "other";
    }
}
