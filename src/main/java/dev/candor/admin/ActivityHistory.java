package dev.candor.admin;

import dev.candor.failure.ErrorType;
import dev.candor.observe.LatencyWindow;
import dev.candor.observe.Metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The last minutes of traffic for the dashboard's charts: every tick it turns the running totals into
 * rates (requests and each error type per second) and samples the latency percentiles. A fixed ring;
 * {@link #tick} is called by one timer thread, {@link #columns} by any.
 */
final class ActivityHistory {
    private static final ErrorType[] TYPES = ErrorType.values();

    private final Metrics metrics;
    private final int capacity;
    private final Point[] ring;
    private long ticks;
    private long lastRequests;
    private final long[] lastErrors = new long[TYPES.length];
    private long lastNanos;

    /** One tick: when it was taken, and rates over the interval before it. */
    private record Point(long epochMillis, double requestsPerSecond, double[] errorsPerSecond, Double p50Ms,
                         Double p99Ms) {
    }

    ActivityHistory(Metrics metrics, int capacity) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.capacity = capacity;
        this.ring = new Point[capacity];
        this.lastNanos = System.nanoTime();
        this.lastRequests = metrics.requestCount();
        for (int i = 0; i < TYPES.length; i++) {
            lastErrors[i] = metrics.errorCount(TYPES[i]);
        }
    }

    synchronized void tick(long epochMillis, long nowNanos) {
        metrics.foldLatencies();
        double seconds = Math.max(1e-3, (nowNanos - lastNanos) / 1e9);
        lastNanos = nowNanos;
        long requests = metrics.requestCount();
        double rate = (requests - lastRequests) / seconds;
        lastRequests = requests;
        double[] errors = new double[TYPES.length];
        for (int i = 0; i < TYPES.length; i++) {
            long n = metrics.errorCount(TYPES[i]);
            errors[i] = (n - lastErrors[i]) / seconds;
            lastErrors[i] = n;
        }
        LatencyWindow.Percentiles p = metrics.requestLatency();
        ring[(int) (ticks % capacity)] = new Point(epochMillis, round(rate), errors,
                p.count() == 0 ? null : p.p50Ms(), p.count() == 0 ? null : p.p99Ms());
        ticks++;
    }

    /**
     * Oldest first, as columns (the shape chart libraries take): {@code time} in epoch seconds,
     * {@code requests_per_s}, {@code p50_ms}, {@code p99_ms}, and {@code errors_per_s} by error type,
     * listing only the types seen in the window.
     */
    synchronized Map<String, Object> columns() {
        int n = (int) Math.min(ticks, capacity);
        List<Double> time = new ArrayList<>(n);
        List<Double> requests = new ArrayList<>(n);
        List<Double> p50 = new ArrayList<>(n);
        List<Double> p99 = new ArrayList<>(n);
        List<Point> points = new ArrayList<>(n);
        for (long i = ticks - n; i < ticks; i++) {
            points.add(ring[(int) (i % capacity)]);
        }
        for (Point p : points) {
            time.add(p.epochMillis / 1000.0);
            requests.add(p.requestsPerSecond);
            p50.add(p.p50Ms);
            p99.add(p.p99Ms);
        }
        Map<String, Object> errors = new LinkedHashMap<>();
        for (int t = 0; t < TYPES.length; t++) {
            boolean seen = false;
            List<Double> series = new ArrayList<>(n);
            for (Point p : points) {
                seen |= p.errorsPerSecond[t] > 0;
                series.add(round(p.errorsPerSecond[t]));
            }
            if (seen) {
                errors.put(TYPES[t].token(), series);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", time);
        out.put("requests_per_s", requests);
        out.put("p50_ms", p50);
        out.put("p99_ms", p99);
        out.put("errors_per_s", errors);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
