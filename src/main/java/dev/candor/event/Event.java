package dev.candor.event;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Something that changed how Candor routes traffic, or its own life: a reload, a health transition, an
 * ejection, a drain, a DNS answer change, a certificate reload, a refused reload, a rate-limit store
 * outage, a start or a stop.
 *
 * @param kind one of the {@code KIND_*} names (as served by {@code /api/events} and stored in the journal)
 * @param subject what it is about ({@code api/10.0.0.7:8080}, the config file), or null
 * @param summary one sentence for people
 * @param facts the details as named values, in a stable order (e.g. each changed key: old → new)
 */
public record Event(Instant time, String kind, String subject, String summary, Map<String, String> facts) {
    public static final String START = "start";
    public static final String STOP = "stop";
    public static final String UNCLEAN_STOP = "unclean_stop";
    public static final String RELOAD = "reload";
    public static final String HEALTH = "health";
    public static final String EJECTION = "ejection";
    public static final String DRAIN = "drain";
    public static final String DNS = "dns";
    public static final String CERTIFICATE = "certificate";
    public static final String KEEP_ALIVE = "keep_alive";
    /** A reload was refused (the config is invalid); the running config stays. */
    public static final String RELOAD_REFUSED = "reload_refused";
    /** The shared rate-limit store (Redis) became unreachable, or reachable again. */
    public static final String RATE_LIMIT_STORE = "rate_limit_store";

    public Event {
        requireNonNull(time, "time");
        requireNonNull(kind, "kind");
        requireNonNull(summary, "summary");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(facts, "facts")));
    }
}
