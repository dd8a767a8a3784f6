package dev.candor.admin;

import dev.candor.failure.AttemptReport;
import dev.candor.failure.Cause;
import dev.candor.failure.ConnectionFacts;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Timings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /api/errors}: classified failures with their evidence, as JSON trees. */
final class FailuresView {
    private FailuresView() {
    }

    static Map<String, Object> list(List<FailureReport> reports) {
        List<Object> out = new ArrayList<>(reports.size());
        for (FailureReport r : reports) {
            out.add(report(r));
        }
        return Map.of("errors", out);
    }

    static Map<String, Object> report(FailureReport r) {
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
        out.put("dns", DnsView.evidence(r.dns()));
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
}
