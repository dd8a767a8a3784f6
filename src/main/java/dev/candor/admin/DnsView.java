package dev.candor.admin;

import dev.candor.failure.DnsEvidence;
import dev.candor.upstream.DnsProvenance;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.Upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DNS evidence as JSON: the names an upstream follows, and the DNS part of a failure report. */
final class DnsView {
    private DnsView() {
    }

    /** The names an upstream follows, each with its answer in use and its latest failure. */
    static List<Object> sources(Upstream u) {
        List<Object> out = new ArrayList<>();
        for (DnsSource s : u.dnsSources()) {
            out.add(evidence(DnsProvenance.ofLookup(s)));
        }
        return out;
    }

    static List<Object> evidence(List<DnsEvidence> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (DnsEvidence d : list) {
            out.add(evidence(d));
        }
        return out;
    }

    private static Map<String, Object> evidence(DnsEvidence d) {
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
