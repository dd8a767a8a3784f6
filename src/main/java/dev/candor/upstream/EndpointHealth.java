package dev.candor.upstream;

import dev.candor.config.HealthCheckConfig;
import dev.candor.failure.ErrorType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The health of one endpoint as the balancer sees it: active-check verdict, passive ejection, operator
 * drain, and request counters. Read by every event loop on each pick ({@link #usable()} reads volatiles
 * only and allocates nothing); written by event loops and the health-check scheduler.
 */
public final class EndpointHealth {
    private static final DateTimeFormatter TIME_OF_DAY =
            DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final HealthCheckConfig check;
    private final LongSupplier nanoClock;
    private final Clock wallClock;

    /** Guards the probe streaks; the verdict they produce is published through {@link #verdict}. */
    private final Object probeLock = new Object();
    private int passesInRow;
    private int failuresInRow;
    private volatile Verdict verdict;
    private volatile ProbeRecord lastProbe;

    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile Ejection ejection;
    private volatile boolean draining;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final Map<ErrorType, LongAdder> errors = new EnumMap<>(ErrorType.class);

    /** The active-check verdict and how long it has held; replaced, never mutated. */
    private record Verdict(boolean unhealthy, Instant since, int probes, ErrorType cause, String reason) {
    }

    /** One passive ejection; {@code number} counts ejections since the count last decayed, this one included. */
    private record Ejection(long untilNanos, Instant untilWall, int failures, int number, Duration duration,
                            long decayNanos) {
    }

    public EndpointHealth(HealthCheckConfig checkOrNull, LongSupplier nanoClock, Clock wallClock) {
        this.check = checkOrNull;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.wallClock = requireNonNull(wallClock, "wallClock");
        this.verdict = new Verdict(false, wallClock.instant(), 0, null, null);
        for (ErrorType type : ErrorType.values()) {
            errors.put(type, new LongAdder());
        }
    }

    /** Draining wins, then an ejection still running, then the active-check verdict. */
    public EndpointState state() {
        if (draining) {
            return EndpointState.DRAINING;
        }
        if (isEjected()) {
            return EndpointState.EJECTED;
        }
        return verdict.unhealthy ? EndpointState.UNHEALTHY : EndpointState.HEALTHY;
    }

    /** Whether new requests may go here: {@code state() == HEALTHY}, without allocating. */
    public boolean usable() {
        return !draining && !verdict.unhealthy && !isEjected();
    }

    // --- active checks ---

    /**
     * Applies one probe's outcome to the thresholds; returns whether the verdict changed. Without an
     * active-check config the probe is only recorded.
     */
    public boolean probe(ProbeRecord record) {
        requireNonNull(record, "record");
        synchronized (probeLock) {
            lastProbe = record;
            Verdict v = verdict;
            if (record.ok()) {
                passesInRow++;
                failuresInRow = 0;
            } else {
                failuresInRow++;
                passesInRow = 0;
            }
            boolean flip = check != null && (v.unhealthy
                    ? passesInRow >= Math.max(1, check.healthyThreshold())
                    : failuresInRow >= Math.max(1, check.unhealthyThreshold()));
            if (flip) {
                verdict = v.unhealthy
                        ? new Verdict(false, wallClock.instant(), 1, null, null)
                        : new Verdict(true, wallClock.instant(), 1, record.error(), record.reason());
            } else {
                verdict = new Verdict(v.unhealthy, v.since, v.probes + 1, v.cause, v.reason);
            }
            return flip;
        }
    }

    /** The latest probe, or null before the first. */
    public ProbeRecord lastProbe() {
        return lastProbe;
    }

    /** When the active-check verdict last changed (construction time until it first does). */
    public Instant since() {
        return verdict.since;
    }

    /** Probes applied since the verdict last changed, counting the one that changed it. */
    public int probesSinceChange() {
        return verdict.probes;
    }

    /** The error type of the probe that made the endpoint unhealthy; null when healthy or none applied. */
    public ErrorType unhealthyError() {
        return verdict.cause;
    }

    // --- passive outlier state (written by OutlierDetector) ---

    /** Failed requests in a row that counted towards ejection. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Ejections so far, after decay: zero once the endpoint has stayed out of ejection long enough. */
    public int ejections() {
        return ejectionCount(nanoClock.getAsLong());
    }

    /** When the running ejection ends, or null when not ejected. */
    public Instant ejectedUntil() {
        Ejection e = ejection;
        return e != null && isEjected(nanoClock.getAsLong()) ? e.untilWall : null;
    }

    public boolean isEjected() {
        Ejection e = ejection;
        return e != null && nanoClock.getAsLong() - e.untilNanos < 0;
    }

    boolean isEjected(long nowNanos) {
        Ejection e = ejection;
        return e != null && nowNanos - e.untilNanos < 0;
    }

    int ejectionCount(long nowNanos) {
        Ejection e = ejection;
        return e == null || nowNanos - e.untilNanos >= e.decayNanos ? 0 : e.number;
    }

    int countFailure() {
        return consecutiveFailures.incrementAndGet();
    }

    void resetFailures() {
        // Read first: most requests succeed, and a write on each would bounce the cache line between loops.
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    void eject(long nowNanos, Duration duration, int number, long decayNanos) {
        int failures = consecutiveFailures.getAndSet(0);
        ejection = new Ejection(nowNanos + duration.toNanos(), wallClock.instant().plus(duration), failures, number,
                duration, decayNanos);
    }

    // --- operator drain ---

    public void drain(boolean on) {
        draining = on;
    }

    public boolean isDraining() {
        return draining;
    }

    // --- request accounting ---

    /** Call when an attempt is sent here; pair with exactly one {@link #requestFinished()}. */
    public void requestStarted() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    public void requestFinished() {
        inFlight.decrementAndGet();
    }

    /** Attempts under way here now, for least_request. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Attempts sent here since start. */
    public long requests() {
        return requests.sum();
    }

    public void recordError(ErrorType type) {
        errors.get(requireNonNull(type, "type")).increment();
    }

    public long errors(ErrorType type) {
        return errors.get(requireNonNull(type, "type")).sum();
    }

    /** Non-zero error counts by type, in declaration order; a fresh copy. */
    public Map<ErrorType, Long> errorCounts() {
        Map<ErrorType, Long> counts = new EnumMap<>(ErrorType.class);
        errors.forEach((type, adder) -> {
            long n = adder.sum();
            if (n > 0) {
                counts.put(type, n);
            }
        });
        return counts;
    }

    // --- for operators ---

    /** One line on why the endpoint is in its state, e.g. {@code unhealthy: connection_refused since ... (12 probes)}. */
    public String why() {
        if (draining) {
            return "draining";
        }
        Ejection e = ejection;
        if (e != null && isEjected(nanoClock.getAsLong())) {
            return "ejected until " + TIME_OF_DAY.format(e.untilWall) + " after " + e.failures
                    + " consecutive failures (ejection " + e.number + ", " + seconds(e.duration) + ")";
        }
        Verdict v = verdict;
        if (v.unhealthy) {
            return "unhealthy: " + v.reason + " since " + v.since.truncatedTo(ChronoUnit.SECONDS)
                    + " (" + v.probes + (v.probes == 1 ? " probe)" : " probes)");
        }
        return "healthy";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
