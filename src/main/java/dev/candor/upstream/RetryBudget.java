package dev.candor.upstream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Caps retries to an upstream at {@code budget_percent} of its recent requests (at least
 * {@value #FLOOR} per window), so a failing upstream is not hit by a retry storm. The window is two
 * rotating 5-second buckets, so it covers the last 5 to 10 seconds; lock-free, and cheap enough to
 * count every request (one {@link LongAdder} increment; a new bucket every 5 seconds).
 */
public final class RetryBudget {
    static final long BUCKET_NANOS = 5_000_000_000L;
    /** Retries always allowed per window, so a quiet upstream can still retry a failed request. */
    static final int FLOOR = 3;

    private final int budgetPercent;
    private final LongSupplier nanoClock;
    private final AtomicReferenceArray<Bucket> buckets = new AtomicReferenceArray<>(2);

    private static final class Bucket {
        final long epoch;
        final LongAdder requests = new LongAdder();
        final AtomicLong retries = new AtomicLong();

        Bucket(long epoch) {
            this.epoch = epoch;
        }
    }

    public RetryBudget(int budgetPercent, LongSupplier nanoClock) {
        if (budgetPercent < 0) {
            throw new IllegalArgumentException("budgetPercent: " + budgetPercent + " (expected: >= 0)");
        }
        this.budgetPercent = budgetPercent;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        buckets.set(0, new Bucket(Long.MIN_VALUE));
        buckets.set(1, new Bucket(Long.MIN_VALUE));
    }

    /** Counts a request to the upstream (the first attempt, not retries). */
    public void requestStarted() {
        current(epochNow()).requests.increment();
    }

    /** Takes one retry from the budget; false when the window's retries have reached the budget. */
    public boolean tryAcquireRetry() {
        if (budgetPercent == 0) {
            return false;
        }
        long epoch = epochNow();
        Bucket current = current(epoch);
        Bucket previous = buckets.get(slot(epoch - 1));
        boolean hasPrevious = previous.epoch == epoch - 1;
        long requests = current.requests.sum() + (hasPrevious ? previous.requests.sum() : 0);
        long allowed = Math.max(FLOOR, requests * budgetPercent / 100);
        long earlier = hasPrevious ? previous.retries.get() : 0;
        while (true) {
            long mine = current.retries.get();
            if (earlier + mine >= allowed) {
                return false;
            }
            if (current.retries.compareAndSet(mine, mine + 1)) {
                return true;
            }
        }
    }

    /** Requests counted in the current window. */
    public long requestsInWindow() {
        return sum(epochNow(), false);
    }

    /** Retries granted in the current window. */
    public long retriesInWindow() {
        return sum(epochNow(), true);
    }

    private long sum(long epoch, boolean retries) {
        long total = 0;
        for (int i = 0; i < 2; i++) {
            Bucket b = buckets.get(i);
            if (b.epoch == epoch || b.epoch == epoch - 1) {
                total += retries ? b.retries.get() : b.requests.sum();
            }
        }
        return total;
    }

    private long epochNow() {
        return Math.floorDiv(nanoClock.getAsLong(), BUCKET_NANOS);
    }

    private Bucket current(long epoch) {
        int slot = slot(epoch);
        Bucket b = buckets.get(slot);
        // A bucket from an older epoch is replaced; a newer one (another thread read the clock later) is used as is.
        while (b.epoch < epoch) {
            Bucket fresh = new Bucket(epoch);
            if (buckets.compareAndSet(slot, b, fresh)) {
                return fresh;
            }
            b = buckets.get(slot);
        }
        return b;
    }

    private static int slot(long epoch) {
        return (int) Math.floorMod(epoch, 2L);
    }
}
