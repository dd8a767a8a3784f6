package dev.candor.config;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which keys a reload changed, read from the two files' text (before {@code ${VAR}} substitution, so a
 * secret passed through the environment is not copied into the journal). Keys are dotted paths with
 * list indexes ({@code upstreams.api.timeouts.response}, {@code listeners[0].address}).
 */
public final class ConfigChanges {
    /** Shown instead of the values of keys that hold secrets. */
    static final String HIDDEN = "(hidden)";
    private static final YAMLMapper MAPPER = YAMLMapper.builder().build();

    /** One key: its value before and after; null when absent on that side. */
    public record Change(String key, String before, String after) {
    }

    private ConfigChanges() {
    }

    /** The keys whose values differ, in the new file's order, then those only the old file had. */
    public static List<Change> between(String before, String after) {
        Map<String, String> a = flatten(before);
        Map<String, String> b = flatten(after);
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, String> e : b.entrySet()) {
            String old = a.get(e.getKey());
            if (!Objects.equals(old, e.getValue())) {
                out.add(change(e.getKey(), old, e.getValue()));
            }
        }
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                out.add(change(e.getKey(), e.getValue(), null));
            }
        }
        return out;
    }

    private static Change change(String key, String before, String after) {
        if (key.equals("admin.token") || key.endsWith(".token")) {
            return new Change(key, before == null ? null : HIDDEN, after == null ? null : HIDDEN);
        }
        return new Change(key, before, after);
    }

    private static Map<String, String> flatten(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        if (yaml == null || yaml.isBlank()) {
            return out;
        }
        try {
            flatten("", MAPPER.readTree(yaml), out);
        } catch (JacksonException e) {
            // Only files that loaded are compared; an unreadable one simply has no keys.
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), out);
            }
        } else if (!prefix.isEmpty()) {
            out.put(prefix, node.isNull() ? "" : node.asString());
        }
    }
}
