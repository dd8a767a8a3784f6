package dev.candor.foreign;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One section of an HAProxy configuration: its kind ({@code frontend}, {@code backend}, …), name (null for
 * {@code global} and an anonymous {@code defaults}), the {@code defaults} section it inherits (null for none),
 * its own keyword lines and the line that opened it.
 */
public record HaproxySection(String kind, String name, HaproxySection defaults, List<Directive> lines,
                             Directive opened) {

    /** {@code FILE:LINE} of the section's first line. */
    public String where() {
        return opened.where();
    }

    /** {@code backend api}, {@code defaults}, {@code global}. */
    public String title() {
        return name == null ? kind : kind + " " + name;
    }

    /** The inherited lines first (oldest defaults first), then this section's own: the last one of a keyword wins. */
    public List<Directive> effective() {
        if (defaults == null) {
            return lines;
        }
        List<Directive> all = new ArrayList<>(defaults.effective());
        all.addAll(lines);
        return all;
    }

    /**
     * The last line in force (this section's, else inherited) whose first words are {@code words}, e.g.
     * {@code last("timeout", "server")}.
     */
    public Optional<Directive> last(String... words) {
        List<Directive> all = effective();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (starts(all.get(i), words)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** This section's own lines (not inherited ones) whose first words are {@code words}, in order. */
    public List<Directive> own(String... words) {
        return lines.stream().filter(d -> starts(d, words)).toList();
    }

    /** The lines in force (inherited first) whose first words are {@code words}, in order. */
    public List<Directive> all(String... words) {
        return effective().stream().filter(d -> starts(d, words)).toList();
    }

    /**
     * Whether {@code option NAME} is in force: the last {@code option NAME} or {@code no option NAME} line decides;
     * empty when neither is written.
     */
    public Optional<Directive> option(String name) {
        List<Directive> all = effective();
        for (int i = all.size() - 1; i >= 0; i--) {
            Directive d = all.get(i);
            if (starts(d, "option", name) || starts(d, "no", "option", name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code option NAME} is on (written, and not cancelled by a later {@code no option NAME}). */
    public boolean enabled(String name) {
        return option(name).map(d -> d.name().equals("option")).orElse(false);
    }

    /** Whether a line inherited from a {@code defaults} section (rather than this section's own). */
    public boolean inherited(Directive d) {
        return !lines.contains(d);
    }

    static boolean starts(Directive d, String... words) {
        if (!d.name().equals(words[0]) || d.args().size() < words.length - 1) {
            return false;
        }
        for (int i = 1; i < words.length; i++) {
            if (!d.args().get(i - 1).equals(words[i])) {
                return false;
            }
        }
        return true;
    }
}
