package dev.candor.observe;

import dev.candor.failure.FailureReport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded ring of the latest failure reports, written by every event loop without locks and read by
 * the admin API. Old reports are overwritten, never by an older one: each slot keeps the entry with the
 * higher sequence number, so a writer that stalled cannot put back a report that was already replaced.
 */
public final class RecentFailures {
    private record Entry(long seq, FailureReport report) {
    }

    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong written = new AtomicLong();

    public RecentFailures(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    public void add(FailureReport report) {
        long seq = written.getAndIncrement();
        Entry entry = new Entry(seq, report);
        ring.accumulateAndGet((int) (seq % ring.length()), entry,
                (old, neu) -> old == null || old.seq() < neu.seq() ? neu : old);
    }

    /** Failures recorded since start (including those overwritten since). */
    public long total() {
        return written.get();
    }

    /** The latest {@code limit} reports, newest first. */
    public List<FailureReport> latest(int limit) {
        long end = written.get();
        int n = (int) Math.max(0, Math.min(Math.min(limit, ring.length()), end));
        List<FailureReport> out = new ArrayList<>(n);
        for (long seq = end - 1; seq >= end - n; seq--) {
            Entry e = ring.get((int) (seq % ring.length()));
            if (e != null && e.seq() == seq) {
                out.add(e.report());
            }
        }
        return out;
    }

    /** The newest report for that request id, or null. */
    public FailureReport find(String requestId) {
        for (FailureReport r : latest(ring.length())) {
            if (r.requestId().equals(requestId)) {
                return r;
            }
        }
        return null;
    }
}
