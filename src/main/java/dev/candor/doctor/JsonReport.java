package dev.candor.doctor;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report as SPEC section 7's JSON: {@code {"checks":[{"id","target","status","error","evidence",
 * "advice"}]}}, each check also carrying its section, summary and confirming command, and the plan.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private JsonReport() {
    }

    public static String render(Report report) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Check c : report.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("target", c.target());
            m.put("status", c.status().name());
            m.put("error", c.error() == null ? null : c.error().token());
            m.put("evidence", c.evidence());
            m.put("advice", c.advice());
            m.put("section", c.section().name().toLowerCase(java.util.Locale.ROOT));
            m.put("summary", c.summary());
            m.put("confirm", c.confirm());
            checks.add(m);
        }
        root.put("checks", checks);
        root.put("plan", report.plan());
        root.put("verdict", report.worst().name());
        root.put("exit_code", report.exitCode());
        root.put("elapsed_ms", Fmt.msValue(report.elapsedNanos()));
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
