package dev.candor.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The closing plan: the steps of the WARN and FAIL checks, what blocks everything first (DNS, a backend
 * that is down) and tuning last, each step once; when a backend must be started or restarted, the
 * restart order follows it: backend first, confirmed healthy, then the proxy's pools.
 */
final class Plan {

    private Plan() {
    }

    static List<String> of(List<Check> checks, List<String> upstreamsToFlush) {
        return of(checks, upstreamsToFlush, Terms.CANDOR);
    }

    static List<String> of(List<Check> checks, List<String> upstreamsToFlush, Terms terms) {
        List<Check> withSteps = new ArrayList<>();
        for (Check c : checks) {
            if (c.step() != null && c.status() != Status.PASS) {
                withSteps.add(c);
            }
        }
        // FAIL before WARN within a rank, and otherwise in the order the checks were made.
        withSteps.sort(Comparator.comparing((Check c) -> c.step().rank())
                .thenComparing(c -> c.status() == Status.FAIL ? 0 : 1));
        Set<String> steps = new LinkedHashSet<>();
        boolean restart = false;
        for (Check c : withSteps) {
            steps.add(c.step().text());
            restart |= c.step().restart();
        }
        List<String> plan = new ArrayList<>(steps);
        if (restart) {
            plan.add(terms.restartOrder(upstreamsToFlush));
        }
        return plan;
    }
}
