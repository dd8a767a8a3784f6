package dev.candor.explain;

import dev.candor.observe.BackendLog;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * SPEC section 11's JSON: {@code {"failures":[…],"summary":[…],"unrecognized_lines":N}}, written as the
 * failures arrive so a large log never sits in memory (client aborts are counted in {@code client_aborts}, not
 * listed). With a backend log, each failure also carries {@code backend}: the backend's line for its request
 * id, and the failures wait in memory until that log is read.
 */
public final class JsonReport implements Sink {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private final PrintWriter out;
    private final Groups groups;
    private final List<Failure> held;
    private boolean any;
    private boolean opened;

    /** @param hold keep the failures until {@link #finish} (for a backend log) instead of writing them at once */
    public JsonReport(PrintWriter out, Groups groups, boolean hold) {
        this.out = out;
        this.groups = groups;
        this.held = hold ? new ArrayList<>() : null;
    }

    /** The opening, written with the first failure (or at the end), so a run that cannot start prints its own JSON. */
    private void open() {
        if (!opened) {
            out.print("{\"failures\":[");
            opened = true;
        }
    }

    /** Whether some of the JSON was written already. */
    public boolean started() {
        return opened;
    }

    /** The JSON of a run that could not run: no failures, and why. */
    public static void couldNotRun(PrintWriter out, String why) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("failures", List.of());
        m.put("summary", List.of());
        m.put("unrecognized_lines", 0);
        m.put("could_not_run", why);
        out.println(MAPPER.writeValueAsString(m));
    }

    @Override
    public void accept(Failure f) {
        groups.accept(f);
        if (f.clientAbort()) {
            return;
        }
        if (held != null) {
            held.add(f);
        } else {
            write(f, null);
        }
    }

    /** Adds the request ids of the held failures to {@code into}, at most {@code max}. */
    public void requestIds(java.util.Set<String> into, int max) {
        if (held == null) {
            return;
        }
        for (Failure f : held) {
            if (into.size() >= max) {
                return;
            }
            if (f.requestId() != null) {
                into.add(f.requestId());
            }
        }
    }

    /** The failures held back, with their backend lines, then the summary. */
    public void finish(Explainer.Totals totals, Function<String, BackendLog.Line> backend) {
        open();
        if (held != null) {
            for (Failure f : held) {
                write(f, f.requestId() == null ? null : backend.apply(f.requestId()));
            }
        }
        out.print("],\"summary\":");
        List<Map<String, Object>> summary = new ArrayList<>();
        for (Groups.Group g : groups.largestFirst()) {
            if (g.first().clientAbort()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", g.first().error() == null ? null : g.first().error().token());
            m.put("upstream", g.first().upstream());
            m.put("count", g.count());
            summary.add(m);
        }
        out.print(MAPPER.writeValueAsString(summary));
        out.print(",\"unrecognized_lines\":" + totals.unrecognized() + ",\"client_aborts\":" + groups.clientAborts() + "}");
        out.println();
    }

    private void write(Failure f, BackendLog.Line backend) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", f.source());
        m.put("time", f.time());
        m.put("method", f.method());
        m.put("uri", f.uri());
        m.put("status", f.status());
        m.put("error", f.error() == null ? null : f.error().token());
        m.put("upstream", f.upstream());
        m.put("detail", f.detail());
        m.put("advice", Advice.of(f));
        m.put("confirm", Advice.confirm(f));
        if (held != null) {
            m.put("backend", backend == null ? null : backend.text() + " (line " + backend.number() + ")");
        }
        open();
        out.print(any ? "," : "");
        out.print(MAPPER.writeValueAsString(m));
        any = true;
    }
}
