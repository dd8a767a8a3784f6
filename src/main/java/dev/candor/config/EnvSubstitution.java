package dev.candor.config;

import java.util.function.Function;
import java.util.regex.Pattern;

/** Expands {@code ${VAR}} and {@code ${VAR:-default}} inside one scalar value; <code>$${</code> is a literal <code>${</code>. */
final class EnvSubstitution {
    // Runs on a value after YAML parsing, so a variable can never add keys or list items, and
    // expanded text is never expanded again.

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {
    }

    /**
     * Returns {@code text} with every reference replaced.
     *
     * @throws IllegalArgumentException for an unset variable without default or a malformed reference
     */
    static String apply(String text, Function<String, String> env) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("'${' has no closing '}' (write $${ for a literal ${)");
                }
                out.append(lookUp(text.substring(i + 2, close), env));
                i = close + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    private static String lookUp(String reference, Function<String, String> env) {
        int colon = reference.indexOf(":-");
        String name = colon < 0 ? reference : reference.substring(0, colon);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'${" + reference + "}' is not a variable reference"
                    + " (use ${NAME} or ${NAME:-default}; write $${ for a literal ${)");
        }
        String value = env.apply(name);
        if (colon >= 0) {
            // Like the shell's ${NAME:-default}: an empty value also takes the default.
            return value == null || value.isEmpty() ? reference.substring(colon + 2) : value;
        }
        if (value == null) {
            throw new IllegalArgumentException("${" + name + "} is not set (set it, or write ${" + name + ":-default})");
        }
        return value;
    }
}
