package dev.candor.observe;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Latencies of roughly the last minute, for percentiles shown to people (API and dashboard). Recording
 * is wait-free and allocation-free (HdrHistogram {@link Recorder}); reading folds what was recorded
 * into fixed slices, kept packed (a few KiB each, where a plain histogram of this range takes 26 KiB),
 * and forgets slices older than the window, under a lock only readers take.
 */
public final class LatencyWindow {
    /** Longer than any sensible timeout; longer values are clamped to it. */
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int SIGNIFICANT_DIGITS = 2;

    /** Plain (about 53 KiB, its two histograms): recording into a packed one would cost about twice as much. */
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final LongSupplier nanoClock;
    private final long sliceNanos;
    private final int slices;
    private final ArrayDeque<Histogram> past = new ArrayDeque<>();
    private Histogram current;
    private long currentStart;
    /** What the recorder hands back on each fold; plain, like the recorder's own. */
    private Histogram spare;

    /** A window of {@code slices} slices of {@code sliceNanos} each (plus the slice being filled). */
    public LatencyWindow(LongSupplier nanoClock, long sliceNanos, int slices) {
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        if (sliceNanos <= 0 || slices < 1) {
            throw new IllegalArgumentException("sliceNanos and slices must be positive");
        }
        this.sliceNanos = sliceNanos;
        this.slices = slices;
        this.current = new PackedHistogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        this.currentStart = nanoClock.getAsLong();
    }

    /** About the last minute, in 15-second slices. */
    public static LatencyWindow lastMinute() {
        return new LatencyWindow(System::nanoTime, TimeUnit.SECONDS.toNanos(15), 4);
    }

    /** Records one duration; safe from any thread, never blocks. */
    public void record(long nanos) {
        long micros = nanos / 1000;
        recorder.recordValue(micros < 0 ? 0 : Math.min(micros, HIGHEST_MICROS));
    }

    /**
     * Moves what was recorded since the last call into the slice of now. Samples are dated when they are
     * folded, so calling this regularly (the admin listener does, every 2 s) keeps slices accurate.
     */
    public synchronized void fold() {
        long now = nanoClock.getAsLong();
        if (now - currentStart >= sliceNanos) {
            past.addLast(current);
            // Whole slices that passed with no reading at all are empty: drop what they would push out.
            long elapsedSlices = Math.min(slices + 1L, (now - currentStart) / sliceNanos);
            for (long i = 1; i < elapsedSlices; i++) {
                past.addLast(new PackedHistogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS));
            }
            while (past.size() > slices) {
                past.removeFirst();
            }
            current = new PackedHistogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
            currentStart = now;
        }
        spare = recorder.getIntervalHistogram(spare);
        current.add(spare);
    }

    /** Percentiles over the window. */
    public synchronized Percentiles percentiles() {
        fold();
        Histogram all = current.copy();
        for (Histogram h : past) {
            all.add(h);
        }
        if (all.getTotalCount() == 0) {
            return Percentiles.NONE;
        }
        return new Percentiles(all.getTotalCount(), ms(all.getValueAtPercentile(50)),
                ms(all.getValueAtPercentile(90)), ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()));
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    /** Latency percentiles in milliseconds over {@code count} samples; {@link #NONE} when there were none. */
    public record Percentiles(long count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
        public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);
    }
}
