package dev.candor.upstream;

import dev.candor.config.HealthCheckConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A monotonic nano clock and a wall clock that move together, only when a test says so. */
final class FakeTime {
    static final Instant START = Instant.parse("2026-11-21T10:14:03Z");

    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final long startNanos = nanos.get();

    long nanos() {
        return nanos.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    Instant now() {
        return START.plusNanos(nanos.get() - startNanos);
    }

    Clock wall() {
        return wall(ZoneOffset.UTC);
    }

    /** A clock that reads this fake time, in {@code zone}. */
    private Clock wall(ZoneId zone) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return wall(other);
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    EndpointHealth endpoint(HealthCheckConfig check) {
        return new EndpointHealth(check, this::nanos, wall());
    }
}
