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
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Encoding one access-log line ({@link AccessLogFormat#appendJson}) into the buffer the writer thread
 * reuses: a successful GET (448 characters) and a failed POST with a long error detail (654).
 * Returns the line length so the work cannot be dropped.
 *
 * <p>In package {@code dev.candor.observe} because {@code appendJson} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessLogBenchmark {

    private StringBuilder buffer;
    private AccessLogEntry success;
    private AccessLogEntry failure;

    @Setup
    public void setUp() {
        buffer = new StringBuilder(1024);
        // a page served over a pooled connection: connect_ms is null, the upstream answered 200
        success = new AccessLogEntry(Instant.parse("2026-11-21T10:15:30.123Z"), "4f1c2a9d0b7e4c1f8a3d6e5b2c9f0a17",
                "203.0.113.9", "GET", "www.example.com", "/products/4711?ref=home&utm_source=newsletter",
                "HTTP/1.1", 200, 18342, 7.25, "web", "web", "10.0.0.12:8080", 1, 200, null, null, null, 6.8, null);
        // a POST cut off by a keep-alive race: Candor's own 502 with the connection's history
        failure = new AccessLogEntry(Instant.parse("2026-11-21T10:15:31.907Z"), "9b0e6d3c2a1f4e5d8c7b6a5f4e3d2c1b",
                "203.0.113.9", "POST", "api.example.com", "/v1/orders", "HTTP/1.1", 502, 254, 3.1, "api-v1-write",
                "api", "10.0.0.11:8080", 1, null, "connection_terminated",
                "10.0.0.11:8080 closed the connection before a complete response header (reused connection "
                        + "(41 requests before) after 5012 ms idle; closed by upstream; not retried: POST is not "
                        + "idempotent and may have been delivered)",
                null, null, null);
    }

    @Benchmark
    public int success() {
        buffer.setLength(0);
        AccessLogFormat.appendJson(buffer, success);
        return buffer.length();
    }

    @Benchmark
    public int failure() {
        buffer.setLength(0);
        AccessLogFormat.appendJson(buffer, failure);
        return buffer.length();
    }
}
