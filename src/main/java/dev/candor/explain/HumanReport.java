package dev.candor.explain;

import dev.candor.observe.BackendLog;

import java.io.PrintWriter;
import java.util.Map;

/** The report for a person: each kind of failure at each upstream, explained once, counted by minute. */
public final class HumanReport {
    private static final int MINUTES_SHOWN = 10;

    private HumanReport() {
    }

    public static void print(PrintWriter out, Explainer.Totals totals, Groups groups, Map<String, BackendLog.Line> backend) {
        for (Explainer.FileFormat f : totals.files()) {
            out.println(f.file() + ": " + (f.format() == null ? "not a log format candor explain reads" : f.format()));
        }
        out.println(totals.lines() + " lines read, " + totals.unrecognized() + " unreadable"
                + (totals.recovered() > 0 ? ", " + totals.recovered() + " failed attempt(s) the proxy recovered from by trying another upstream" : ""));
        out.println();
        if (groups.failures() == 0) {
            out.println("no failed requests" + (groups.clientAborts() > 0 ? " (" + groups.clientAborts() + " client abort(s))" : ""));
            return;
        }
        out.println(groups.failures() + " failed request(s): " + groups.proxyMade() + " made by the proxy, "
                + (groups.failures() - groups.proxyMade()) + " made by the upstream itself"
                + (groups.clientAborts() > 0 ? "; and " + groups.clientAborts() + " client abort(s)" : ""));
        for (Groups.Group g : groups.largestFirst()) {
            Failure first = g.first();
            out.println();
            out.println(first.kind() + " at " + (first.upstream() == null ? "(upstream not logged)" : first.upstream())
                    + ": " + g.count() + " (" + first.proxy().displayName() + ")");
            out.println("  " + Advice.of(first));
            String confirm = Advice.confirm(first);
            if (confirm != null) {
                out.println("  confirm: " + confirm);
            }
            StringBuilder minutes = new StringBuilder("  by minute:");
            int shown = 0;
            for (Map.Entry<String, Long> m : g.byMinute().entrySet()) {
                if (shown++ == MINUTES_SHOWN) {
                    minutes.append(" … (").append(g.byMinute().size() - MINUTES_SHOWN).append(" more minutes)");
                    break;
                }
                minutes.append(' ').append(m.getKey()).append(" ×").append(m.getValue());
            }
            out.println(minutes);
            for (Failure e : g.examples()) {
                out.println("  " + e.source() + "  " + e.time() + "  " + (e.method() == null ? "" : e.method() + " ")
                        + (e.uri() == null ? "" : e.uri() + " ") + "→ " + (e.status() == null ? "?" : e.status())
                        + ": " + e.detail());
                BackendLog.Line b = e.requestId() == null ? null : backend.get(e.requestId());
                if (b != null) {
                    out.println("    backend log line " + b.number() + ": " + b.text());
                }
            }
        }
    }
}
