package dev.candor.doctor;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one investigation: every check in section order, and the plan.
 *
 * @param subject what was investigated, e.g. the config file and the URL
 * @param elapsedNanos how long the investigation took
 * @param notRun for sections that say something else than {@link Section#whenEmpty()} when they have no check
 */
public record Report(String subject, List<Check> checks, List<String> plan, long elapsedNanos,
                     Map<Section, String> notRun) {

    /** Exit status of SPEC section 7: 0 all pass, 1 warnings only, 2 any failure. */
    public static final int PASSED = 0;
    public static final int WARNINGS = 1;
    public static final int FAILURES = 2;
    /** The investigation could not run (unreadable config, bad arguments). */
    public static final int COULD_NOT_RUN = 3;

    public Report {
        requireNonNull(subject, "subject");
        checks = List.copyOf(checks);
        plan = List.copyOf(plan);
        notRun = Map.copyOf(notRun);
    }

    /** A report whose empty sections say why in the doctor's usual words. */
    public Report(String subject, List<Check> checks, List<String> plan, long elapsedNanos) {
        this(subject, checks, plan, elapsedNanos, Map.of());
    }

    /** Why a section has no check, and what would make it run. */
    public String whenEmpty(Section s) {
        return notRun.getOrDefault(s, s.whenEmpty());
    }

    public Status worst() {
        Status worst = Status.PASS;
        for (Check c : checks) {
            if (c.status().compareTo(worst) > 0) {
                worst = c.status();
            }
        }
        return worst;
    }

    public int exitCode() {
        return switch (worst()) {
            case PASS -> PASSED;
            case WARN -> WARNINGS;
            case FAIL -> FAILURES;
        };
    }

    public long count(Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }
}
