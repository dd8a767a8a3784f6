package dev.candor.doctor;

import dev.candor.failure.ErrorType;
import dev.candor.observe.AccessLogEntry;
import dev.candor.observe.AccessLogFormat;
import dev.candor.observe.BackendLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Section 4, "logs": the proxy's recent failures from the admin API, the access log's failures grouped by
 * error type, endpoint and minute (read with the proxy's own parser), and, with a backend log, each failed
 * request joined to the backend's line for the same request id, with the time between the two.
 */
final class LogChecks {
    private static final int MAX_EXAMPLES = 3;
    private static final int MAX_GROUPS = 8;

    private LogChecks() {
    }

    static List<Check> of(DoctorOptions options, AdminView admin) {
        List<Check> out = new ArrayList<>();
        if (admin != null) {
            out.add(admin(admin));
        }
        if (options.accessLog() != null) {
            out.addAll(accessLog(options.accessLog(), options.backendLog()));
        }
        return out;
    }

    static Check admin(AdminView admin) {
        Check.Builder b = Check.of(Section.LOGS, "logs.admin", admin.base().toString());
        if (admin.problem() != null) {
            return b.with("problem", admin.problem())
                    .advice("check that Candor runs and that --admin is its admin address (admin.address in the config);"
                            + " with admin.token set, pass it in CANDOR_ADMIN_TOKEN")
                    .confirm("curl -sv " + admin.base() + "/api/status")
                    .step(Step.of(Step.Rank.LOGS, "make the admin API reachable at " + admin.base() + " (" + admin.problem() + ")"))
                    .fail("the admin API could not be read: " + admin.problem());
        }
        List<AdminView.FailureView> failures = admin.failures();
        if (failures.isEmpty()) {
            return b.with("recent_errors", 0).pass("no recent failures recorded by the proxy");
        }
        Map<String, Integer> groups = new TreeMap<>();
        for (AdminView.FailureView f : failures) {
            groups.merge(f.error() + " @ " + (f.endpoint() == null ? f.upstream() : f.endpoint()), 1, Integer::sum);
        }
        AdminView.FailureView latest = failures.get(0);
        ErrorType type = ErrorType.fromToken(latest.error());
        return b.with("recent_errors", failures.size()).with("by_type_and_endpoint", top(groups))
                .with("latest", latest.requestId() + " " + latest.time() + " " + latest.status() + " " + latest.error())
                .error(type)
                .advice("the latest: " + (latest.detail() == null ? latest.error() : latest.detail())
                        + (type == null ? "" : "; " + type.nextCheck()))
                .confirm("curl -s " + admin.base() + "/api/errors/" + latest.requestId())
                .step(Step.of(Step.Rank.LOGS, "read the evidence of the latest failure: GET " + admin.base() + "/api/errors/"
                        + latest.requestId()))
                .warn(failures.size() + " recent failure(s); most: " + top(groups).keySet().iterator().next());
    }

    static List<Check> accessLog(Path file, Path backendLog) {
        List<AccessLogEntry> failed = new ArrayList<>();
        int lines = 0;
        int unreadable = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                try {
                    AccessLogEntry e = AccessLogFormat.parse(line);
                    if (e.error() != null || e.status() >= 500) {
                        failed.add(e);
                    }
                } catch (IllegalArgumentException e) {
                    unreadable++;
                }
            }
        } catch (IOException e) {
            return List.of(Check.of(Section.LOGS, "logs.access", file.toString()).with("problem", e.toString())
                    .advice("pass the path of Candor's access log (access_log.path)")
                    .fail("could not read the access log: " + e.getMessage()));
        }
        Check.Builder b = Check.of(Section.LOGS, "logs.access", file.toString())
                .with("lines", lines).with("unreadable", unreadable).with("failed", failed.size());
        List<Check> out = new ArrayList<>();
        if (failed.isEmpty()) {
            out.add(b.pass(lines + " requests, none failed"));
            return out;
        }
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, Integer> byEndpoint = new TreeMap<>();
        Map<String, Integer> byMinute = new TreeMap<>();
        for (AccessLogEntry e : failed) {
            String type = e.error() != null ? e.error() : "upstream " + e.status();
            byType.merge(type, 1, Integer::sum);
            byEndpoint.merge(e.endpoint() == null ? "(none)" : e.endpoint(), 1, Integer::sum);
            byMinute.merge(e.time().truncatedTo(ChronoUnit.MINUTES).toString(), 1, Integer::sum);
        }
        String worst = top(byType).keySet().iterator().next();
        ErrorType type = ErrorType.fromToken(worst);
        out.add(b.with("by_error", top(byType)).with("by_endpoint", top(byEndpoint)).with("by_minute", top(byMinute))
                .error(type)
                .advice(type == null ? "the upstream itself answered with 5xx: read its log for those requests"
                        : type.summary() + "; likely " + type.likelyCauses() + "; " + type.nextCheck())
                .step(Step.of(Step.Rank.LOGS, "the access log has " + failed.size() + " failed request(s), mostly " + worst
                        + " at " + top(byEndpoint).keySet().iterator().next() + ": check that the steps above explain them"))
                .warn(failed.size() + " of " + lines + " requests failed; most: " + worst + " (" + byType.get(worst) + ")"));
        if (backendLog != null) {
            out.add(correlate(failed, backendLog));
        }
        return out;
    }

    static Check correlate(List<AccessLogEntry> failed, Path backendLog) {
        Set<String> ids = new LinkedHashSet<>();
        for (AccessLogEntry e : failed) {
            if (e.requestId() != null) {
                ids.add(e.requestId());
            }
        }
        Check.Builder b = Check.of(Section.LOGS, "logs.correlation", backendLog.toString()).with("failed_ids", ids.size());
        Map<String, BackendLog.Line> lines;
        try {
            lines = BackendLog.linesFor(backendLog, ids);
        } catch (IOException e) {
            return b.with("problem", e.toString()).advice("pass a readable backend log")
                    .fail("could not read the backend log: " + e.getMessage());
        }
        b.with("matched", lines.size());
        if (lines.isEmpty()) {
            return b.advice("none of the failed requests' ids appears in the backend log: either they never reached the"
                            + " backend (connect, DNS and TLS failures do not), or the backend does not log the X-Request-Id"
                            + " header Candor sends; log it to join the two logs")
                    .step(Step.of(Step.Rank.LOGS, "make the backend log the X-Request-Id header so its log joins Candor's"))
                    .warn("no failed request appears in the backend log (" + ids.size() + " ids looked for)");
        }
        List<String> joined = new ArrayList<>();
        String first = null;
        for (AccessLogEntry e : failed) {
            BackendLog.Line line = lines.get(e.requestId());
            if (line == null) {
                continue;
            }
            Instant proxySaw = e.time().plusNanos((long) (e.durationMs() * 1_000_000));
            long gap = Duration.between(line.time(), proxySaw).toNanos();
            String what = e.error() != null ? e.error() : "status " + e.status();
            String sentence = e.requestId() + ": the backend logged \"" + line.text() + "\" " + Fmt.ms(Math.abs(gap))
                    + (gap >= 0 ? " before" : " after") + " the proxy saw " + what + " (backend log line " + line.number() + ")";
            if (first == null) {
                first = sentence;
            }
            if (joined.size() < MAX_EXAMPLES) {
                joined.add(sentence);
            }
        }
        return b.with("joined", joined)
                .advice("the backend saw these requests and logged the lines above around the failure: read its log and"
                        + " the code behind them; the proxy's evidence for one is in the admin API under /api/errors/ID")
                .step(Step.of(Step.Rank.LOGS, "fix what the backend logs for the failed requests: " + first))
                .warn(lines.size() + " of " + ids.size() + " failed requests joined by request id; " + first);
    }

    /** The largest groups first, at most a few. */
    private static Map<String, Integer> top(Map<String, Integer> groups) {
        Map<String, Integer> out = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(MAX_GROUPS)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
