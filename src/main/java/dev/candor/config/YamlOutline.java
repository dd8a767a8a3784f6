package dev.candor.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLParser;

/** Where every key and value of the YAML text sits, by config path, from a first pass over the tokens. */
final class YamlOutline {
    // Problems found after binding (or on a value Jackson skipped) are located through this index;
    // the same pass reports duplicate keys, aliases and a second document.

    /** A 1-based line and column. */
    record Mark(int line, int column) {
        static Mark of(TokenStreamLocation location) {
            return new Mark(Math.max(location.getLineNr(), 1), Math.max(location.getColumnNr(), 1));
        }
    }

    private final Map<String, Mark> keys = new HashMap<>();
    private final Map<String, Mark> values = new HashMap<>();

    /**
     * Reads every token of the first YAML document.
     *
     * @return false when the text holds a second document, which the caller must treat as fatal
     * @throws tools.jackson.core.JacksonException on a YAML syntax error
     */
    boolean scan(JsonParser p, Problems problems) {
        // Jackson's own duplicate detection throws at the first duplicate; doing it here lets the
        // loader report every duplicate along with everything else.
        Deque<Map<String, Mark>> seenKeys = new ArrayDeque<>();
        JsonToken token;
        while ((token = p.nextToken()) != null) {
            Mark mark = Mark.of(p.currentTokenLocation());
            String path = ConfigPath.of(p);
            if (token == JsonToken.PROPERTY_NAME) {
                Mark first = seenKeys.peek().putIfAbsent(p.currentName(), mark);
                if (first != null) {
                    problems.add(mark, "duplicate key '" + p.currentName() + "' "
                            + ConfigPath.where(ConfigPath.parent(path)) + " (first at line " + first.line() + ")");
                }
                // Jackson keeps the last of duplicate keys, so locations follow the last one too.
                keys.put(path, mark);
                continue;
            }
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                if (token == JsonToken.END_OBJECT) {
                    seenKeys.pop();
                }
                if (p.streamReadContext().inRoot()) {
                    return endOfDocument(p, problems);
                }
                continue;
            }
            values.put(path, mark);
            if (p instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                // Jackson YAML hands an alias over as its anchor's name, which would silently become the value.
                problems.at(path, "YAML aliases (*" + p.getString() + ") are not supported; write the value out");
            }
            if (token == JsonToken.VALUE_STRING && p.getString().equals("~")) {
                // YAML 1.2 reads a plain ~ as null, but Jackson 3 hands it over as the text "~"
                // (jackson-dataformats-text#661); refuse it rather than use "~" as a value.
                problems.at(path, "'~' is not supported as null here; leave the value empty or write null");
            }
            if (token == JsonToken.START_OBJECT) {
                seenKeys.push(new HashMap<>());
            } else if (token.isScalarValue() && p.streamReadContext().inRoot()) {
                return endOfDocument(p, problems);
            }
        }
        return true;
    }

    private static boolean endOfDocument(JsonParser p, Problems problems) {
        if (p.nextToken() == null) {
            return true;
        }
        problems.add(Mark.of(p.currentTokenLocation()), "only one YAML document is allowed per file (remove the second '---')");
        return false;
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** Where the value at {@code path} starts, or else where the nearest enclosing value starts. */
    Mark valueAt(String path) {
        for (String p = path; ; p = ConfigPath.parent(p)) {
            Mark mark = values.get(p);
            if (mark != null) {
                return mark;
            }
            if (p.isEmpty()) {
                return new Mark(1, 1);
            }
        }
    }

    /** Whether the text holds a value (possibly empty) at {@code path}. */
    boolean hasValue(String path) {
        return values.containsKey(path);
    }

    /** Where the key that ends {@code path} is written, or else where its value starts. */
    Mark keyAt(String path) {
        Mark key = keys.get(path);
        return key != null ? key : valueAt(path);
    }
}
