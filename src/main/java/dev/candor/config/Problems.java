package dev.candor.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** Collects every problem found while loading one file, located through the file's outline. */
final class Problems {

    private final String file;
    private final YamlOutline outline;
    private final List<ConfigProblem> found = new ArrayList<>();
    private final Set<String> pathsWithProblems = new HashSet<>();

    Problems(String file, YamlOutline outline) {
        this.file = requireNonNull(file, "file");
        this.outline = requireNonNull(outline, "outline");
    }

    /**
     * Reports {@code path: message} where the value at {@code path} (or its nearest ancestor) is
     * written; only the first problem per path counts, since later ones are consequences of it.
     */
    void at(String path, String message) {
        if (!pathsWithProblems.add(path)) {
            return;
        }
        add(outline.valueAt(path), prefixed(path, message));
    }

    /** Reports a message as given, where the key ending {@code path} is written. */
    void atKey(String path, String message) {
        pathsWithProblems.add(path);
        add(outline.keyAt(path), message);
    }

    /** Reports that {@code key} is required in the mapping at {@code parent}. */
    void missing(String parent, String key) {
        String path = ConfigPath.child(parent, key);
        if (outline.hasValue(path)) {
            at(path, "needs a value");
        } else if (!pathsWithProblems.contains(parent) && pathsWithProblems.add(path)) {
            // Located at the mapping that lacks the key, but counted against the key's own path so
            // that two missing keys of one mapping are both reported.
            add(outline.valueAt(parent), prefixed(parent, "missing required key '" + key + "'"));
        }
    }

    private static String prefixed(String path, String message) {
        return path.isEmpty() ? message : path + ": " + message;
    }

    void add(YamlOutline.Mark mark, String message) {
        // One line per problem, even when a quoted value (or a variable's value) spans lines.
        String oneLine = message.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        found.add(new ConfigProblem(file, mark.line(), mark.column(), oneLine));
    }

    /** Whether a problem was already reported for exactly this path, so follow-up checks stay quiet. */
    boolean hasAt(String path) {
        return pathsWithProblems.contains(path);
    }

    /** How many problems were reported so far: a check can tell whether its part added any. */
    int count() {
        return found.size();
    }

    boolean any() {
        return !found.isEmpty();
    }

    /** All problems, in the order they appear in the file. */
    ConfigException failure() {
        List<ConfigProblem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return new ConfigException(sorted);
    }
}
