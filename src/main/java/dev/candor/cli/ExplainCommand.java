package dev.candor.cli;

import dev.candor.explain.Explainer;
import dev.candor.explain.Failure;
import dev.candor.explain.Groups;
import dev.candor.explain.HumanReport;
import dev.candor.explain.JsonReport;
import dev.candor.explain.Proxy;
import dev.candor.observe.BackendLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code candor explain}: another proxy's logs (or Candor's) explained in Candor's vocabulary (SPEC section 11). */
@Command(name = "explain", exitCodeOnInvalidInput = ExplainCommand.COULD_NOT_RUN,
        description = {"Explain the failures in nginx, Apache httpd, HAProxy, Envoy or Candor logs: each proxy-made"
                + " failure gets its RFC 9209 error type, what it means, what to check (in that proxy's directives) and a"
                + " command that confirms it; 5xx the upstream made itself are told apart.",
                "Exit status: 0 no failure found, 2 failures found, 3 could not run."})
final class ExplainCommand implements Callable<Integer> {
    static final int NO_FAILURE = 0;
    static final int FAILURES = 2;
    static final int COULD_NOT_RUN = 3;
    private static final int MAX_BACKEND_IDS = 100_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "auto (default: told from each file's first lines), nginx, apache, haproxy, envoy or candor")
    String format;

    @Option(names = "--backend-log", paramLabel = "FILE",
            description = "a backend's log, joined by request id (Envoy's x-request-id, Candor's request_id)")
    Path backendLog;

    @Option(names = "--json", description = "print JSON (SPEC section 11)")
    boolean json;

    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "log files; for nginx and Apache httpd give the error log and the access log together")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Proxy only = null;
        if (!"auto".equals(format)) {
            only = Proxy.fromToken(format);
            if (only == null) {
                return couldNotRun(out, err, json, "--format " + format + ": expected auto, nginx, apache, haproxy, envoy or candor");
            }
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                return couldNotRun(out, err, json, f + " is not a readable file");
            }
        }
        if (backendLog != null && !Files.isReadable(backendLog)) {
            return couldNotRun(out, err, json, backendLog + " is not a readable file");
        }
        Groups groups = new Groups();
        JsonReport report = json ? new JsonReport(out, groups, backendLog != null) : null;
        Explainer.Totals totals;
        try {
            totals = Explainer.run(files, only, report != null ? report : groups);
        } catch (IOException | RuntimeException e) {
            if (report != null && report.started()) {
                out.println(); // the JSON written so far stays incomplete: the exit status says so
                out.flush();
                report = null;
            }
            return couldNotRun(out, err, report, "reading stopped: " + e);
        }
        for (Explainer.FileFormat f : totals.files()) {
            if (f.format() == null) {
                err.println("candor explain: " + f.file() + ": not a log format candor explain reads"
                        + (only == null ? "" : " as " + only.token()) + "; its lines are counted as unreadable");
            }
        }
        if (totals.nothingRead()) {
            return couldNotRun(out, err, report, "no file is in a format candor explain reads (nginx, apache, haproxy, envoy, candor)");
        }
        Map<String, BackendLog.Line> backend;
        try {
            backend = backendLog == null ? Map.of() : BackendLog.linesFor(backendLog, ids(groups, report));
        } catch (IOException e) {
            return couldNotRun(out, err, report, "could not read " + backendLog + ": " + e.getMessage());
        }
        if (report != null) {
            report.finish(totals, backend::get);
        } else {
            HumanReport.print(out, totals, groups, backend);
        }
        out.flush();
        err.flush();
        return groups.failures() == 0 ? NO_FAILURE : FAILURES;
    }

    /** The request ids to look up in the backend log: every held failure's (JSON), else the examples'. */
    private static Set<String> ids(Groups groups, JsonReport report) {
        Set<String> ids = new HashSet<>();
        if (report != null) {
            report.requestIds(ids, MAX_BACKEND_IDS);
        } else {
            for (Groups.Group g : groups.largestFirst()) {
                for (Failure f : g.examples()) {
                    if (f.requestId() != null) {
                        ids.add(f.requestId());
                    }
                }
            }
        }
        return ids;
    }

    private static int couldNotRun(PrintWriter out, PrintWriter err, JsonReport report, String why) {
        return couldNotRun(out, err, report != null && !report.started(), why);
    }

    /** Says why on stderr, and with --json prints JSON that says it too. */
    private static int couldNotRun(PrintWriter out, PrintWriter err, boolean json, String why) {
        err.println("candor explain: could not run: " + why);
        if (json) {
            JsonReport.couldNotRun(out, why);
        }
        out.flush();
        err.flush();
        return COULD_NOT_RUN;
    }
}
