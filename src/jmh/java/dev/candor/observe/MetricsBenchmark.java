package dev.candor.observe;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the metrics cost a successful request, as {@code FailureRecorder} records it at the end of the
 * request: one request (route counter, request histogram, latency window) and one attempt (endpoint
 * counter, upstream histogram, endpoint latency window), with the series already resolved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {
    private Metrics metrics;
    private long duration;

    @Setup
    public void setUp() {
        metrics = new Metrics();
        metrics.request("web", 200, 1_000_000);
        metrics.attempt("web", "10.0.0.12:8080", null, 900_000, false, false);
    }

    @Benchmark
    public void successfulRequest() {
        long d = 700_000 + (duration++ & 0xFFFF);
        metrics.request("web", 200, d);
        metrics.attempt("web", "10.0.0.12:8080", null, d - 50_000, false, false);
    }

    /** The same from both cores at once: the counters and histograms are shared by every event loop. */
    @Benchmark
    @Threads(2)
    public void successfulRequestTwoThreads() {
        long d = 700_000 + (duration++ & 0xFFFF);
        metrics.request("web", 200, d);
        metrics.attempt("web", "10.0.0.12:8080", null, d - 50_000, false, false);
    }
}
