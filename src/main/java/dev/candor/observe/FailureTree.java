package dev.candor.observe;

import dev.candor.failure.AttemptReport;
import dev.candor.failure.Cause;
import dev.candor.failure.ConnectionFacts;
import dev.candor.failure.DnsEvidence;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Timings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A failure report as a JSON tree of maps and lists: what {@code /api/errors/{id}} serves and what the
 * journal stores, so a failure read back after a restart looks exactly as it did before.
 */
public final class FailureTree {
    private FailureTree() {
    }

    public static Map<String, Object> report(FailureReport r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("request_id", r.requestId());
        out.put("time", r.time().toString());
        out.put("status", r.status());
        out.put("error", r.error().token());
        out.put("method", r.method());
        out.put("host", r.host());
        out.put("uri", r.uri());
        out.put("route", r.route());
        out.put("upstream", r.upstream());
        out.put("endpoint", r.endpoint());
        out.put("detail", r.detail());
        out.put("explanation", r.explanation());
        out.put("limit", r.limit());
        out.put("confirm", r.confirm());
        out.put("cause", cause(r.cause()));
        List<Object> attempts = new ArrayList<>(r.attempts().size());
        for (AttemptReport a : r.attempts()) {
            attempts.add(attempt(a));
        }
        out.put("attempts", attempts);
        out.put("dns", dns(r.dns()));
        out.put("trace", r.trace());
        return out;
    }

    private static Map<String, Object> cause(Cause c) {
        if (c == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("phase", c.phase().token());
        out.put("actor", c.actor().token());
        out.put("signal", c.signal().name().toLowerCase(Locale.ROOT));
        out.put("os_error", c.error());
        return out;
    }

    private static Map<String, Object> attempt(AttemptReport a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", a.number());
        out.put("endpoint", a.endpoint());
        out.put("address", a.address());
        out.put("status", a.status());
        out.put("error", a.error() == null ? null : a.error().token());
        out.put("detail", a.detail());
        out.put("transparent_retry", a.transparent());
        ConnectionFacts c = a.connection();
        if (c == null) {
            out.put("connection", null);
        } else {
            Map<String, Object> conn = new LinkedHashMap<>();
            conn.put("reused", c.reused());
            conn.put("requests_before", c.requestsBefore());
            conn.put("idle_ms", c.idleMillis());
            conn.put("age_ms", c.ageMillis());
            conn.put("closed_by", c.closedBy() == null ? null : c.closedBy().token());
            out.put("connection", conn);
        }
        Timings t = a.timings();
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("acquired", t.acquiredMs());
        timings.put("connect", t.connectMs());
        timings.put("sent", t.sentMs());
        timings.put("first_byte", t.firstByteMs());
        timings.put("end", t.endMs());
        out.put("timings_ms", timings);
        return out;
    }

    /** The DNS part of a failure report (also what {@code /api/upstreams} shows of each name). */
    public static List<Object> dns(List<DnsEvidence> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (DnsEvidence d : list) {
            out.add(dns(d));
        }
        return out;
    }

    public static Map<String, Object> dns(DnsEvidence d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", d.name());
        out.put("answer", d.answer());
        out.put("resolved_at", d.resolvedAt() == null ? null : d.resolvedAt().toString());
        out.put("ttl_seconds", d.ttlSeconds());
        out.put("resolver", d.resolver());
        out.put("stale", d.stale());
        out.put("last_failure", d.lastFailure());
        if (d.address() != null) {
            out.put("address", d.address());
            out.put("in_answer", d.inAnswer());
            out.put("left_at", d.leftAt() == null ? null : d.leftAt().toString());
            out.put("per_address", d.perAddress());
            out.put("note", d.note());
        }
        return out;
    }
}
