package dev.candor.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;

/** Rewrites SnakeYAML's multi-line syntax errors as one line for {@code FILE:LINE:COL: message}. */
final class YamlSyntaxError {

    private static final Pattern IN_READER = Pattern.compile("\\s*in reader, line (\\d+), column (\\d+):?");

    private YamlSyntaxError() {
    }

    /**
     * A one-line form of a YAML syntax error: SnakeYAML's message spans several lines with source
     * snippets, and the location is already given as LINE:COL.
     */
    static String describe(JacksonException e) {
        String original = e.getOriginalMessage() == null ? "unreadable YAML" : e.getOriginalMessage();
        List<String> statements = new ArrayList<>();
        String contextStart = null;
        for (String line : original.split("\n")) {
            Matcher where = IN_READER.matcher(line);
            if (where.matches()) {
                if (statements.size() == 1 && contextStart == null) {
                    contextStart = "line " + where.group(1) + ", column " + where.group(2);
                }
            } else if (!line.isBlank() && !line.startsWith(" ")) {
                statements.add(line.strip());
            }
        }
        if (statements.isEmpty()) {
            return "YAML syntax error";
        }
        if (statements.size() == 1) {
            return "YAML syntax error: " + statements.get(0);
        }
        String context = statements.get(0) + (contextStart == null ? "" : " started at " + contextStart);
        return "YAML syntax error: " + String.join("; ", statements.subList(1, statements.size())) + " (" + context + ")";
    }
}
