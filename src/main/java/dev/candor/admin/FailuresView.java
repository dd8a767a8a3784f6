package dev.candor.admin;

import dev.candor.failure.FailureReport;
import dev.candor.observe.FailureTree;

import java.util.ArrayList;
import java.util.List;
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
        return FailureTree.report(r);
    }
}
