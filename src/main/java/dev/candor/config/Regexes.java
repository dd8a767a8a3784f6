package dev.candor.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** Checks the RE2 patterns of a config at load time, so a bad one is a located error, not a runtime surprise. */
final class Regexes {

    private Regexes() {
    }

    /** Why {@code pattern} is not valid RE2 syntax, or null if it is. */
    static String problem(String pattern) {
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            // RE2 refuses backreferences and lookaround: they cannot run in linear time.
            return "'" + pattern + "' is not a valid RE2 pattern: " + e.getDescription()
                    + (e.getDescription().contains("invalid or unsupported Perl syntax")
                    ? " (RE2 has no lookaround or backreferences)" : "");
        }
    }

    /**
     * Why {@code replacement} refers to a group {@code pattern} does not have, or null: {@code $N} and
     * {@code ${name}} must name one of its groups, and a literal {@code $} is written {@code \$}.
     */
    static String replacementProblem(Pattern pattern, String replacement) {
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                i++;
                continue;
            }
            if (c != '$') {
                continue;
            }
            if (i + 1 >= replacement.length()) {
                return "'$' at the end of '" + replacement + "' refers to no group (write \\$ for a dollar sign)";
            }
            char next = replacement.charAt(i + 1);
            if (next == '{') {
                int close = replacement.indexOf('}', i);
                if (close < 0) {
                    return "'${' in '" + replacement + "' is not closed";
                }
                String name = replacement.substring(i + 2, close);
                if (!pattern.namedGroups().containsKey(name)) {
                    return "'" + replacement + "' refers to group '" + name + "', which the pattern does not name";
                }
                i = close;
            } else if (next >= '0' && next <= '9') {
                // Further digits extend the number only while it names a group, so the first decides.
                int group = next - '0';
                if (group > pattern.groupCount()) {
                    return "'" + replacement + "' refers to group $" + group + ", but the pattern has "
                            + pattern.groupCount() + (pattern.groupCount() == 1 ? " group" : " groups");
                }
                i++;
            } else {
                return "'$" + next + "' in '" + replacement + "' refers to no group (write \\$ for a dollar sign)";
            }
        }
        return null;
    }
}
