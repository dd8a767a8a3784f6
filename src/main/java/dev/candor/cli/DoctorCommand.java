package dev.candor.cli;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.config.ConfigProblem;
import dev.candor.config.Durations;
import dev.candor.doctor.Doctor;
import dev.candor.doctor.DoctorOptions;
import dev.candor.doctor.ForeignConfig;
import dev.candor.doctor.HumanReport;
import dev.candor.doctor.JsonReport;
import dev.candor.doctor.Report;
import dev.candor.doctor.Terms;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code candor doctor}: the 502 investigation of SPEC section 7, run from the proxy's host. */
@Command(name = "doctor", exitCodeOnInvalidInput = Report.COULD_NOT_RUN,
        description = {"Investigate upstream failures: probe every endpoint (DNS, TCP, health check), check the config"
                + " against what the backends do, read the logs, compare with and without the proxy, and print a plan.",
                "Exit status: 0 all checks pass, 1 warnings only, 2 any failure, 3 could not run."})
final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, defaultValue = "candor.yaml", description = "config file (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--from", paramLabel = "FILE", description = "probe the upstreams of another proxy's config instead"
            + " (nginx.conf or haproxy.cfg, told apart by content), with advice in its directives and FILE:LINE")
    Path from;

    @Option(names = "--admin", paramLabel = "URL", description = "the running proxy's admin API, e.g. http://127.0.0.1:9901"
            + " (bearer token: CANDOR_ADMIN_TOKEN, else the config's admin.token)")
    String admin;

    @Option(names = "--url", paramLabel = "URL", description = "an http://, https://, ws:// or wss:// URL served by"
            + " the proxy: probe only its upstream, and compare the answer through the proxy with each endpoint's;"
            + " for ws:// and wss:// the answer is the WebSocket handshake's, and the report says which side refuses"
            + " the upgrade")
    String url;

    @Option(names = "--access-log", paramLabel = "FILE", description = "Candor's JSON access log: failures grouped by error type, endpoint and minute")
    Path accessLog;

    @Option(names = "--backend-log", paramLabel = "FILE", description = "a backend's log, joined with the access log by request id")
    Path backendLog;

    @Option(names = "--journal", paramLabel = "FILE", description = "Candor's journal (journal.path), opened read-only:"
            + " what changed before the current errors, also after Candor stopped")
    Path journal;

    @Option(names = "--json", description = "print the report as JSON (SPEC section 7)")
    boolean json;

    @Option(names = "--connects", defaultValue = "" + DoctorOptions.DEFAULT_CONNECTS,
            description = "TCP connects per endpoint (default: ${DEFAULT-VALUE})")
    int connects;

    @Option(names = "--idle-watch", defaultValue = "6s", paramLabel = "DURATION",
            description = "longest an idle connection is held to see when the backend closes it (default: ${DEFAULT-VALUE})")
    String idleWatch;

    @Option(names = "--color", defaultValue = "auto", paramLabel = "WHEN",
            description = "auto (on a terminal, unless NO_COLOR is set), always or never")
    String color;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CandorConfig loaded;
        Terms terms = Terms.CANDOR;
        if (from != null) {
            if (url != null || admin != null || accessLog != null) {
                return couldNotRun(out, err, "--from probes another proxy's upstreams; --url, --admin and --access-log"
                        + " are about Candor (for that proxy's logs, run `candor explain`)");
            }
            try {
                ForeignConfig foreign = ForeignConfig.read(from);
                loaded = foreign.config();
                terms = foreign.terms();
            } catch (NoSuchFileException e) {
                return couldNotRun(out, err, from + ": no such file");
            } catch (IOException e) {
                return couldNotRun(out, err, e.getMessage());
            }
        } else {
            try {
                loaded = ConfigLoader.load(config);
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    err.println(p);
                }
                return couldNotRun(out, err, config + ": " + e.problems().size() + " error(s); run `candor check -c " + config + "`");
            }
        }
        DoctorOptions options;
        try {
            String token = System.getenv("CANDOR_ADMIN_TOKEN");
            if ((token == null || token.isEmpty()) && loaded.admin().enabled()) {
                token = loaded.admin().token(); // the config's own admin.token, ${ENV} already substituted
            }
            options = new DoctorOptions(loaded, uri(admin, false), token, uri(url, true),
                    readable(accessLog), readable(backendLog), connects, duration(idleWatch), readable(journal));
        } catch (IllegalArgumentException e) {
            return couldNotRun(out, err, e.getMessage());
        }
        Report report;
        try {
            report = new Doctor(options, terms, Clock.systemUTC()).run();
        } catch (RuntimeException e) {
            return couldNotRun(out, err, "the investigation stopped: " + e);
        }
        if (json) {
            out.println(JsonReport.render(report));
        } else {
            out.print(HumanReport.render(report, colour()));
        }
        out.flush();
        return report.exitCode();
    }

    private int couldNotRun(PrintWriter out, PrintWriter err, String why) {
        err.println("candor doctor: could not run: " + why);
        if (json) {
            out.println("{\"checks\":[],\"plan\":[],\"verdict\":\"COULD_NOT_RUN\",\"exit_code\":3}");
        }
        out.flush();
        err.flush();
        return Report.COULD_NOT_RUN;
    }

    private boolean colour() {
        return switch (color) {
            case "always" -> true;
            case "never" -> false;
            default -> System.console() != null && (System.getenv("NO_COLOR") == null || System.getenv("NO_COLOR").isEmpty());
        };
    }

    /** An http:// or https:// URL with a host; with {@code websocket}, ws:// and wss:// too. */
    private static URI uri(String text, boolean websocket) {
        if (text == null) {
            return null;
        }
        try {
            URI u = new URI(text);
            String scheme = u.getScheme();
            boolean known = "http".equals(scheme) || "https".equals(scheme)
                    || websocket && ("ws".equals(scheme) || "wss".equals(scheme));
            if (!known || u.getHost() == null) {
                throw new IllegalArgumentException("'" + text + "' is not an http:// or https://"
                        + (websocket ? " (or ws:// or wss://)" : "") + " URL with a host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason(), e);
        }
    }

    private static Path readable(Path p) {
        if (p != null && !Files.isReadable(p)) {
            throw new IllegalArgumentException(p + " is not a readable file");
        }
        return p;
    }

    private static Duration duration(String text) {
        return Durations.parse(text);
    }
}
