package dev.candor.doctor;

import dev.candor.event.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Ranks the events before a burst of errors by how plausibly each explains it: a pure function of the
 * burst and the events. An event scores its relevance to the burst's error type and upstream (a reload
 * that changed that upstream's response timeout before {@code http_response_timeout}s; a DNS answer that
 * brought in the very address that refuses connections; an ejection, health transition or drain before
 * {@code destination_unavailable}) times its recency (halved five minutes before the burst began).
 */
final class Suspects {
    /** How far back events are looked at: "the minutes before". */
    static final Duration LOOKBACK = Duration.ofMinutes(10);
    /** Events stamped just after the first failure still count: a request can fail before the event is recorded. */
    static final Duration SLACK = Duration.ofSeconds(2);
    /** From this relevance on, an event explains the burst (the check fails with it as the cause). */
    static final double EXPLAINS = 0.8;
    private static final double LISTED = 0.02;
    private static final double RECENCY_HALF_SECONDS = 300;

    private Suspects() {
    }

    /**
     * One event judged against the burst.
     *
     * @param relevance 0 to 1: how well the kind of change fits the kind of failure, where it failed
     * @param score relevance times recency; the ranking's key
     * @param lead how long before the burst began the event came (negative: just after)
     * @param what the change in words, e.g. {@code reload #12 changed `upstreams.api.timeouts.response` 30s -> 3s}
     * @param key the config key a reload changed that explains the burst, or null
     * @param undo how to undo the change, or null when it is not Candor's to undo
     */
    record Suspect(Event event, double relevance, double score, Duration lead, String what, String key, String undo) {
        Suspect {
            requireNonNull(event, "event");
            requireNonNull(what, "what");
        }

        boolean explains() {
            return relevance >= EXPLAINS;
        }
    }

    /** The events worth naming, most plausible first. */
    static List<Suspect> rank(Burst burst, List<Event> events, String admin) {
        List<Suspect> out = new ArrayList<>();
        Instant from = burst.began().minus(LOOKBACK);
        Instant to = burst.began().plus(SLACK);
        for (Event e : events) {
            if (e.time().isBefore(from) || e.time().isAfter(to)) {
                continue;
            }
            Suspect s = judge(burst, e, admin);
            if (s.score() >= LISTED) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingDouble(Suspect::score).reversed()
                .thenComparing(s -> s.event().time(), Comparator.reverseOrder()));
        return out;
    }

    static Suspect judge(Burst burst, Event e, String admin) {
        Duration lead = Duration.between(e.time(), burst.began());
        double recency = lead.isNegative() ? 0.9 : 1 / (1 + lead.toMillis() / 1000.0 / RECENCY_HALF_SECONDS);
        Judged j = switch (e.kind()) {
            case Event.RELOAD -> reload(burst, e);
            case Event.DNS -> dns(burst, e);
            case Event.HEALTH -> health(burst, e);
            case Event.EJECTION -> ejection(burst, e);
            case Event.DRAIN -> drain(burst, e, admin);
            case Event.KEEP_ALIVE -> new Judged(sameUpstream(burst, e) && connectionCut(burst.error()) ? 0.5 : 0.05,
                    e.summary(), null, null);
            case Event.CERTIFICATE -> new Judged(burst.error().startsWith("tls_") ? 0.5 : 0.05, e.summary(), null, null);
            case Event.START, Event.UNCLEAN_STOP -> new Judged(0.3, e.summary(), null, null);
            case Event.RATE_LIMIT_STORE -> new Judged("http_request_denied".equals(burst.error()) ? 0.5 : 0.05,
                    e.summary(), null, null);
            default -> new Judged(0.05, e.summary(), null, null);
        };
        return new Suspect(e, j.relevance, j.relevance * recency, lead, j.what, j.key, j.undo);
    }

    private record Judged(double relevance, String what, String key, String undo) {
    }

    private static Judged reload(Burst burst, Event e) {
        String number = e.facts().getOrDefault("reload", "?");
        String file = e.subject();
        double best = 0.1;
        String bestKey = null;
        String bestChange = null;
        for (Map.Entry<String, String> f : e.facts().entrySet()) {
            if (!f.getKey().startsWith("changed ")) {
                continue;
            }
            String key = f.getKey().substring("changed ".length());
            double r = keyRelevance(key, burst.error()) * upstreamFactor(key, burst.upstream());
            if (r > best || bestKey == null && r >= best) {
                best = Math.max(best, r);
                bestKey = key;
                bestChange = f.getValue();
            }
        }
        if (bestKey == null) {
            return new Judged(0.1, e.summary(), null, null);
        }
        String what = "reload #" + number + " changed `" + bestKey + "` " + bestChange;
        return new Judged(best, what, bestKey, undoKey(bestKey, bestChange, file, number));
    }

    /** "restore KEY to OLD in FILE and run candor reload", from a reload's {@code old -> new} fact. */
    static String undoKey(String key, String change, String file, String number) {
        int arrow = change.indexOf(" -> ");
        String before = arrow < 0 ? change : change.substring(0, arrow);
        String where = file == null ? "the config file" : file;
        String reload = "candor reload" + (file == null ? "" : " -c " + file);
        if ("(absent)".equals(before)) {
            return "remove `" + key + "` from " + where + " (reload #" + number + " added it), then run `" + reload + "`";
        }
        if ("(hidden)".equals(before)) {
            return "put the previous value of `" + key + "` back in " + where + ", then run `" + reload + "`";
        }
        return "restore `" + key + "` to " + before + " in " + where + " (reload #" + number + " changed it), then run `"
                + reload + "`";
    }

    /** How well a changed key fits an error type, whoever's key it is. */
    static double keyRelevance(String key, String error) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        boolean timeout = key.contains("timeouts.") || key.endsWith("timeout");
        switch (error) {
            case "http_response_timeout":
                return timeout ? (leaf.equals("response") ? 1.0 : 0.6) : key.contains("endpoints") ? 0.4 : base(key);
            case "connection_timeout":
                return timeout ? (leaf.equals("connect") ? 1.0 : 0.6) : addressKey(key) ? 0.9 : base(key);
            case "connection_read_timeout":
                return timeout ? (leaf.equals("read") || leaf.equals("idle") ? 1.0 : 0.6) : base(key);
            case "connection_refused", "destination_ip_unroutable", "dns_error", "dns_timeout":
                return addressKey(key) || key.contains(".dns") || key.startsWith("dns.") ? 0.9 : base(key);
            case "destination_unavailable":
                return key.contains("health_check") || key.contains("outlier_detection") || addressKey(key) ? 0.9 : base(key);
            case "destination_not_found":
                return key.startsWith("routes") ? 0.9 : base(key);
            case "connection_terminated", "http_response_incomplete":
                return key.contains(".pool.") ? 0.8 : timeout ? 0.5 : base(key);
            case "connection_limit_reached", "http_request_denied":
                return key.contains("limit") || key.startsWith("edge") ? 0.8 : base(key);
            case "tls_protocol_error", "tls_certificate_error":
                return key.contains("tls") ? 0.9 : addressKey(key) ? 0.6 : base(key);
            default:
                return base(key);
        }
    }

    private static boolean addressKey(String key) {
        return key.contains("endpoints") || key.endsWith("address") || key.contains(".srv");
    }

    /** A key unrelated to the error type: worth a look only if nothing better came before. */
    private static double base(String key) {
        return key.startsWith("upstreams.") ? 0.3 : 0.15;
    }

    /** Full weight for the burst's upstream, most for keys of no upstream (global), little for another upstream's. */
    private static double upstreamFactor(String key, String upstream) {
        if (!key.startsWith("upstreams.")) {
            return 0.7;
        }
        return upstream != null && key.startsWith("upstreams." + upstream + ".") ? 1.0 : 0.2;
    }

    private static Judged dns(Burst burst, Event e) {
        String name = e.facts().get("name");
        String before = e.facts().get("before");
        String after = e.facts().getOrDefault("after", "");
        String what = "the DNS answer for " + name + " changed from " + before + " to " + after;
        if (before == null) {
            what = name + " resolved for the first time, to " + after;
        }
        if (!sameUpstream(burst, e)) {
            return new Judged(0.05, what, null, null);
        }
        Set<String> added = new LinkedHashSet<>(addresses(after));
        added.removeAll(addresses(before));
        boolean toNewAddress = false;
        for (Burst.Failure f : burst.main()) {
            if (f.endpoint() != null && added.contains(ip(f.endpoint()))) {
                toNewAddress = true;
                break;
            }
        }
        String undo = "the answer is not Candor's to undo: put the record of " + name + " back"
                + (before == null ? "" : " to " + before) + " (or correct it) at its DNS server"
                + (e.facts().get("resolver") == null ? "" : " (Candor asked " + e.facts().get("resolver") + ")")
                + "; Candor follows it within its TTL";
        if (toNewAddress) {
            return new Judged(connectError(burst.error()) ? 1.0 : 0.6, what, null, undo);
        }
        return new Judged(0.4, what, null, undo);
    }

    private static Judged health(Burst burst, Event e) {
        String endpoint = e.facts().get("endpoint");
        String to = e.facts().getOrDefault("to", "");
        // A probe that got an answer (a 503) has no error type: its detail says what it got.
        String cause = firstOf(e.facts().get("cause"), e.facts().get("detail"), "?");
        String what = "endpoint " + endpoint + " of upstream " + e.facts().get("upstream") + " went "
                + e.facts().get("from") + " -> " + to + " (" + cause + ")";
        if (!sameUpstream(burst, e)) {
            return new Judged(0.05, what, null, null);
        }
        if (!"unhealthy".equals(to)) {
            return new Judged(0.1, what, null, null);
        }
        String undo = "make " + endpoint + " pass its health check again (it got: " + firstOf(e.facts().get("detail"), cause, "?")
                + "); Candor puts it back by itself after its healthy_threshold of passing checks";
        double r = "destination_unavailable".equals(burst.error()) ? 0.95 : failedAt(burst, endpoint) ? 0.5 : 0.3;
        return new Judged(r, what, null, undo);
    }

    private static Judged ejection(Burst burst, Event e) {
        String endpoint = e.facts().get("endpoint");
        String what = "outlier detection ejected endpoint " + endpoint + " of upstream " + e.facts().get("upstream")
                + " (last error " + e.facts().get("last_error") + ", until " + e.facts().get("until") + ")";
        if (!sameUpstream(burst, e)) {
            return new Judged(0.05, what, null, null);
        }
        String undo = "fix " + endpoint + " (its last error: " + e.facts().get("last_error")
                + "); the ejection ends by itself at " + e.facts().get("until");
        return new Judged("destination_unavailable".equals(burst.error()) ? 0.9 : 0.4, what, null, undo);
    }

    private static Judged drain(Burst burst, Event e, String admin) {
        String endpoint = e.facts().get("endpoint");
        String upstream = e.facts().get("upstream");
        boolean draining = "true".equals(e.facts().get("draining"));
        String what = "endpoint " + endpoint + " of upstream " + upstream + (draining ? " was drained" : " was put back (undrained)");
        if (!sameUpstream(burst, e)) {
            return new Judged(0.05, what, null, null);
        }
        String base = admin == null ? "http://ADMIN" : admin;
        if (draining) {
            String undo = "put it back: curl -X POST " + base + "/api/upstreams/" + upstream + "/endpoints/" + endpoint + "/undrain";
            return new Judged("destination_unavailable".equals(burst.error()) ? 0.9 : 0.3, what, null, undo);
        }
        String undo = "take it out again: curl -X POST " + base + "/api/upstreams/" + upstream + "/endpoints/" + endpoint + "/drain";
        return new Judged(failedAt(burst, endpoint) ? 0.8 : 0.2, what, null, undo);
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static boolean sameUpstream(Burst burst, Event e) {
        String u = e.facts().get("upstream");
        if (u == null && e.subject() != null && e.subject().contains("/")) {
            u = e.subject().substring(0, e.subject().indexOf('/'));
        }
        return u != null && u.equals(burst.upstream());
    }

    private static boolean failedAt(Burst burst, String endpoint) {
        return endpoint != null && burst.main().stream().anyMatch(f -> endpoint.equals(f.endpoint()));
    }

    private static boolean connectError(String error) {
        return switch (error) {
            case "connection_refused", "connection_timeout", "destination_ip_unroutable", "tls_protocol_error",
                 "tls_certificate_error", "connection_terminated" -> true;
            default -> false;
        };
    }

    private static boolean connectionCut(String error) {
        return "connection_terminated".equals(error) || "http_response_incomplete".equals(error);
    }

    /** The addresses of a DNS fact such as {@code [127.0.0.2, 10.0.0.7]} or {@code [10.0.0.7:8080]}. */
    static List<String> addresses(String fact) {
        List<String> out = new ArrayList<>();
        if (fact == null) {
            return out;
        }
        for (String part : fact.replace("[", "").replace("]", "").split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
                out.add(ip(p));
            }
        }
        return out;
    }

    /** The IP of {@code ip:port} or {@code [v6]:port}; the text itself when it has no port. */
    static String ip(String endpoint) {
        if (endpoint.startsWith("[")) {
            int close = endpoint.indexOf(']');
            return close < 0 ? endpoint : endpoint.substring(1, close);
        }
        int colon = endpoint.lastIndexOf(':');
        return colon < 0 || endpoint.indexOf(':') != colon ? endpoint : endpoint.substring(0, colon);
    }
}
