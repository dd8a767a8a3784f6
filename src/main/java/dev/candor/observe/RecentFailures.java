package dev.candor.observe;

import dev.candor.failure.FailureReport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded ring of the latest failure reports, written by every event loop without locks and read by
 * the admin API. Old reports are overwritten; a reader may miss one being written, never see a torn one.
 */
public final class RecentFailures {
    private final AtomicReferenceArray<FailureReport> ring;
    private final AtomicLong written = new AtomicLong();

    public RecentFailures(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    public void add(FailureReport report) {
        long n = written.getAndIncrement();
        ring.set((int) (n % ring.length()), report);
    }

    /** Failures recorded since start (including those overwritten since). */
    public long total() {
        return written.get();
    }

    /** The latest {@code limit} reports, newest first. */
    public List<FailureReport> latest(int limit) {
        long end = written.get();
        int n = (int) Math.min(Math.min(limit, ring.length()), end);
        List<FailureReport> out = new ArrayList<>(n);
        for (long i = end - 1; i >= end - n; i--) {
            FailureReport r = ring.get((int) (i % ring.length()));
            if (r != null) {
                out.add(r);
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
