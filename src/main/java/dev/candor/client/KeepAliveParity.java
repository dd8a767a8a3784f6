package dev.candor.client;

import dev.candor.event.Event;
import dev.candor.event.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What Candor has learned about how long an endpoint keeps idle connections open — from its
 * {@code Keep-Alive: timeout=N} header and from idle pooled connections it closed — so the pool retires
 * connections shortly before the endpoint would, and the stale keep-alive race becomes rare instead of
 * merely retried. Written and read from several event loops; a stale read only delays the effect.
 */
public final class KeepAliveParity {
    private static final Logger log = LoggerFactory.getLogger("candor.pool");
    private static final long MIN_MARGIN = 50_000_000L;
    private static final long MAX_MARGIN = 1_000_000_000L;
    /**
     * Idle closes sooner than this teach nothing. A backend that restarts, or closes connections for its
     * own reasons, closes pooled connections that were idle for only milliseconds; learning that as its
     * keep-alive timeout would retire every pooled connection at once, that is, end connection reuse
     * with the endpoint for good. Keep-alive timeouts this short are rare, and the first line of defence
     * (a pool that reads on idle connections) still catches them.
     */
    static final long MIN_LEARNED_IDLE_CLOSE = 250_000_000L;

    private final String endpoint;
    private final long configuredNanos;
    private volatile long learnedNanos = Long.MAX_VALUE;
    private volatile String source;
    private final String upstream;
    private final EventSink events;

    KeepAliveParity(String endpoint, long configuredIdleNanos) {
        this(null, endpoint, configuredIdleNanos, EventSink.NONE);
    }

    /** The same, telling {@code events} each time a shorter timeout is learned. */
    KeepAliveParity(String upstream, String endpoint, long configuredIdleNanos, EventSink events) {
        this.upstream = upstream;
        this.endpoint = endpoint;
        this.configuredNanos = configuredIdleNanos;
        this.events = events;
    }

    /** How long an idle connection may stay in the pool: the configured value, or less when learned. */
    long effectiveIdleNanos() {
        long learned = learnedNanos;
        if (learned == Long.MAX_VALUE) {
            return configuredNanos;
        }
        long margin = Math.max(MIN_MARGIN, Math.min(MAX_MARGIN, learned / 10));
        return Math.max(1, Math.min(configuredNanos, learned - margin));
    }

    /** A {@code Keep-Alive} response header value, e.g. {@code timeout=5, max=100}. */
    void observeHeader(String value) {
        long seconds = advertisedSeconds(value);
        if (seconds > 0) {
            learn(seconds * 1_000_000_000L, "Keep-Alive: timeout=" + seconds);
        }
    }

    /**
     * The idle timeout a {@code Keep-Alive} header value advertises ({@code timeout=5, max=100} gives 5),
     * or 0 when it names none; shared with {@code candor doctor} so both read the header alike.
     */
    public static long advertisedSeconds(String value) {
        int at = value == null ? -1 : value.indexOf("timeout=");
        if (at < 0) {
            return 0;
        }
        long seconds = 0;
        int i = at + 8;
        int digits = 0;
        while (i < value.length() && Character.isDigit(value.charAt(i)) && digits < 6) {
            seconds = seconds * 10 + (value.charAt(i++) - '0');
            digits++;
        }
        return digits > 0 ? seconds : 0;
    }

    /** The endpoint closed a connection that had been idle in the pool this long. */
    void observeIdleClose(long idleNanos) {
        if (idleNanos >= MIN_LEARNED_IDLE_CLOSE) {
            learn(idleNanos, "closed an idle pooled connection after " + seconds(idleNanos));
        }
    }

    private void learn(long nanos, String why) {
        if (nanos >= learnedNanos) {
            return;
        }
        learnedNanos = nanos;
        source = why;
        if (nanos < configuredNanos) {
            log.info("endpoint {} closes idle connections after about {} ({}); pooled connections now retire after {}"
                    + " instead of pool.idle_timeout {}", endpoint, seconds(nanos), why,
                    seconds(effectiveIdleNanos()), seconds(configuredNanos));
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("upstream", upstream);
            facts.put("endpoint", endpoint);
            facts.put("learned_s", String.format(Locale.ROOT, "%.1f", nanos / 1e9));
            facts.put("from", why);
            facts.put("idle_timeout_s", String.format(Locale.ROOT, "%.1f", configuredNanos / 1e9));
            facts.put("retire_after_s", String.format(Locale.ROOT, "%.1f", effectiveIdleNanos() / 1e9));
            events.record(new Event(Instant.now(), Event.KEEP_ALIVE, (upstream == null ? "" : upstream + "/") + endpoint,
                    "endpoint " + endpoint + " closes idle connections after about " + seconds(nanos) + " (" + why
                            + "); pooled connections now retire after " + seconds(effectiveIdleNanos()), facts));
        }
    }

    /** For the evidence: what was learned and from what, or null when nothing was. */
    String describe() {
        long learned = learnedNanos;
        if (learned == Long.MAX_VALUE) {
            return null;
        }
        return "the upstream closes idle connections after about " + seconds(learned) + " (" + source
                + "); pooled connections retire after " + seconds(effectiveIdleNanos());
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
