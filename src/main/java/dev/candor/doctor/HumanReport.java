package dev.candor.doctor;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The report for a person: one aligned line per check under its section, the evidence, next step and
 * confirming command of each WARN and FAIL, then the plan. Colour only when asked for (a terminal).
 */
public final class HumanReport {
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RED = "\u001b[31m";
    private static final String INDENT = "        ";

    private final boolean colour;
    private final StringBuilder out = new StringBuilder();

    private HumanReport(boolean colour) {
        this.colour = colour;
    }

    public static String render(Report report, boolean colour) {
        return new HumanReport(colour).write(report);
    }

    private String write(Report report) {
        out.append(paint(BOLD, "candor doctor")).append(": ").append(report.subject()).append("\n");
        int idWidth = 0;
        int targetWidth = 0;
        for (Check c : report.checks()) {
            idWidth = Math.max(idWidth, c.id().length());
            targetWidth = Math.max(targetWidth, c.target().length());
        }
        for (Section s : Section.values()) {
            List<Check> in = report.checks().stream().filter(c -> c.section() == s).toList();
            if (s == Section.PLAN) {
                out.append("\n").append(paint(BOLD, s.heading())).append("\n");
                plan(report.plan());
                continue;
            }
            out.append("\n").append(paint(BOLD, s.heading())).append("\n");
            if (in.isEmpty()) {
                out.append("  -     not run: ").append(report.whenEmpty(s)).append("\n");
                continue;
            }
            for (Check c : in) {
                check(c, idWidth, targetWidth);
            }
        }
        out.append("\n").append(verdict(report)).append("\n");
        return out.toString();
    }

    private void check(Check c, int idWidth, int targetWidth) {
        out.append("  ").append(paint(colourOf(c.status()), String.format("%-4s", c.status().name())))
                .append("  ").append(pad(c.id(), idWidth))
                .append("  ").append(pad(c.target(), targetWidth))
                .append("  ");
        if (c.error() != null && c.status() != Status.PASS) {
            out.append(c.error().token()).append(": ");
        }
        out.append(c.summary()).append("\n");
        if (c.status() == Status.PASS) {
            return;
        }
        if (!c.evidence().isEmpty()) {
            out.append(INDENT).append("evidence  ").append(evidence(c.evidence())).append("\n");
        }
        if (c.advice() != null) {
            out.append(INDENT).append("next      ").append(c.advice()).append("\n");
        }
        if (c.confirm() != null) {
            out.append(INDENT).append("confirm   ").append(c.confirm()).append("\n");
        }
    }

    private void plan(List<String> plan) {
        if (plan.isEmpty()) {
            out.append("  nothing to do: every check passed\n");
            return;
        }
        for (int i = 0; i < plan.size(); i++) {
            out.append(String.format("  %d. ", i + 1)).append(plan.get(i)).append("\n");
        }
    }

    private String verdict(Report report) {
        String word = report.worst().name();
        return paint(BOLD, "verdict: ") + paint(colourOf(report.worst()), word) + " ("
                + report.count(Status.FAIL) + " failed, " + report.count(Status.WARN) + " warned, "
                + report.count(Status.PASS) + " passed) in " + Fmt.seconds(report.elapsedNanos())
                + "; exit " + report.exitCode();
    }

    static String evidence(Map<String, Object> evidence) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : evidence.entrySet()) {
            if (b.length() > 0) {
                b.append("  ");
            }
            b.append(e.getKey()).append('=').append(value(e.getValue()));
        }
        return b.toString();
    }

    private static String value(Object v) {
        if (v instanceof Collection<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : list) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(value(o));
            }
            return b.append(']').toString();
        }
        if (v instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(e.getKey()).append(": ").append(value(e.getValue()));
            }
            return b.append('}').toString();
        }
        return String.valueOf(v);
    }

    private static String colourOf(Status s) {
        return switch (s) {
            case PASS -> GREEN;
            case WARN -> YELLOW;
            case FAIL -> RED;
        };
    }

    private String paint(String code, String text) {
        return colour ? code + text + RESET : text;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
